import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { registerSecret, registerSecretsIn } from './test-log.js';

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: (GraphQLFormattedError & { extensions?: Record<string, unknown> })[];
}

/** A GraphQL client over real HTTP, typed by the documents codegen generates from tests/graphql/*.graphql. */
export class GraphQLClient {
  constructor(
    readonly url: string,
    readonly token: string | null = null,
  ) {}

  as(token: string | null): GraphQLClient {
    return new GraphQLClient(this.url, token);
  }

  async raw<T = unknown>(body: string | object, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
    // Every password and token the suite sends or gets back: no log may contain them (tests/support/test-log.ts).
    registerSecret(this.token);
    registerSecretsIn(typeof body === 'string' ? safeParse(body) : body, 'request');
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: GraphQLResponse<T>;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`non-JSON response (${response.status}): ${text.slice(0, 500)}`);
    }
    registerSecretsIn(json.data, 'response');
    return { ...json, status: response.status };
  }

  request<T, V>(document: TypedDocumentNode<T, V>, variables?: V): Promise<GraphQLResponse<T>> {
    return this.raw<T>({ query: print(document), variables });
  }

  /** Runs a document and returns its data; any GraphQL error fails the test with the error's message. */
  async data<T, V>(document: TypedDocumentNode<T, V>, variables?: V): Promise<T> {
    const result = await this.request(document, variables);
    if (result.errors?.length || !result.data) {
      throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    }
    return result.data;
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
