import type { ApiClient } from './api-client.js';

export interface SetupOperationView {
  id: string;
  state: string;
  backend: string;
  action: string;
  objectLabel: string;
  server: { name: string } | null;
}

export interface SetupRunView {
  id: string;
  status: string;
  workflowUrl: string;
  operations: SetupOperationView[];
  failedOperations: SetupOperationView[];
  pendingOperations: SetupOperationView[];
}

export const SETUP_RUN_FIELDS = `
  id status workflowUrl
  operations { id state backend action objectLabel server { name } }
  failedOperations { id state backend action objectLabel server { name } }
  pendingOperations { id state backend action objectLabel server { name } }
`;

const line = (op: SetupOperationView) => `${(op.server?.name ?? '?').padEnd(16)} ${op.backend.padEnd(22)} ${op.action.padEnd(7)} ${op.objectLabel.padEnd(28)} ${op.state}`;

/**
 * Follows a set-up run until it ends: prints each operation (per server) when it first appears and whenever its state
 * changes, then the outcome with the failed or pending operations. Returns the final view.
 */
export async function followSetupRun(api: ApiClient, id: string, print: (text: string) => void, everyMs = 1000): Promise<SetupRunView> {
  const seen = new Map<string, string>();
  print(`following ${id}`);
  for (;;) {
    const { accountSetupRun: run } = await api.request<{ accountSetupRun: SetupRunView }>(`query ($id: ID!) { accountSetupRun(id: $id) { ${SETUP_RUN_FIELDS} } }`, { id });
    const ops = [...run.operations].sort((a, b) => (a.server?.name ?? '').localeCompare(b.server?.name ?? '') || Number(a.id) - Number(b.id));
    for (const op of ops) {
      if (seen.get(op.id) === op.state) continue;
      seen.set(op.id, op.state);
      print(line(op));
    }
    if (run.status !== 'RUNNING') {
      print(`${run.status}: ${run.operations.length} operation${run.operations.length === 1 ? '' : 's'} (${run.workflowUrl})`);
      for (const op of run.failedOperations) print(`failed:  ${line(op)}`);
      for (const op of run.pendingOperations) print(`pending: ${line(op)}`);
      return run;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The exit status of a finished run: 0 only when READY. */
export const exitStatusOf = (run: SetupRunView) => (run.status === 'READY' ? 0 : 1);

export function printUserErrors(errors: { field: string; message: string; code: string }[], print: (text: string) => void): void {
  for (const e of errors) print(`${e.field}: ${e.message} (${e.code})`);
}

/**
 * Starts a set-up run by MUTATION (standUpAccount or tearDownAccount, whose input type is INPUT_TYPE) without waiting
 * in the API, then follows it on stdout. The exit status: 2 when refused (its userErrors on stderr), else exitStatusOf.
 */
export async function startAndFollowSetupRun(api: ApiClient, mutation: string, inputType: string, input: Record<string, unknown>): Promise<number> {
  const data = await api.request<Record<string, { userErrors: { field: string; message: string; code: string }[]; setupRun: SetupRunView | null }>>(
    `mutation ($input: ${inputType}!) { ${mutation}(input: $input) { userErrors { field message code } setupRun { ${SETUP_RUN_FIELDS} } } }`,
    { input: { ...input, wait: false } },
  );
  const payload = data[mutation];
  if (payload.userErrors.length) {
    printUserErrors(payload.userErrors, (t) => console.error(t));
    return 2;
  }
  return exitStatusOf(await followSetupRun(api, payload.setupRun!.id, (t) => console.log(t)));
}
