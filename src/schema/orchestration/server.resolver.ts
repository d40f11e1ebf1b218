import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Server } from '../../entities/orchestration/server.js';
import { ServerUnreachableError } from '../../errors/domain-error.js';
import { TransportError } from '../../orchestration/ssh/errors.js';
import { endpointOf } from '../../orchestration/server-access.js';
import { findServer } from '../../orchestration/find-server.js';
import { recordHostKeyChange } from '../../orchestration/server-hold.js';
import { wakeServerQueue } from '../../orchestration/wake-server-queue.js';
import { Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { Cost, FIELD_COST } from '../cost.js';
import { runMutation } from '../mutation.js';
import { noteTouched } from '../../audit/audit-note.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import { Validator } from '../../validation/validator.js';
import { addressProblem, sshUserProblem } from './server-connection.js';
import { Parent } from '../parent.js';
import {
  CreateServerInput, PresentedHostKeyInfo, ServerConnection, ServerNode, ServerStatusInfo, TrustServerHostKeyInput,
  UpdateServerInput,
} from './server.types.js';

const ServerPayload = Payload('Server', 'server', ServerNode);
const DeleteServerPayload = DeletePayload('DeleteServer');

const SERVER_NAME = /^[a-z0-9][a-z0-9.-]{0,63}$/;


/** Address, port and SSH user, each checked as given (./server-connection.ts). */
function checkConnection(v: Validator, input: { address?: string; sshPort?: number; sshUser?: string }, required: boolean) {
  const check = (field: string, value: string | undefined, problem: (value: string) => string | null) => {
    if (value == null || value === '') {
      if (value === '' || required) v.add(field, 'is required', UserErrorCode.REQUIRED);
      return undefined;
    }
    const why = problem(value);
    if (why) v.add(field, why);
    return value;
  };
  const address = check('address', input.address, addressProblem);
  if (input.sshPort != null && (!Number.isInteger(input.sshPort) || input.sshPort < 1 || input.sshPort > 65535)) v.add('sshPort', 'must be from 1 to 65535');
  const sshUser = input.sshUser == null ? undefined : check('sshUser', input.sshUser, sshUserProblem);
  return { address, sshPort: input.sshPort ?? undefined, sshUser };
}

@Authorized(Role.ADMIN)
@Resolver(() => ServerNode)
export class ServerResolver {
  @FieldResolver(() => ID)
  id(@Parent() server: Server): string {
    return toGlobalId('Server', server.id);
  }

  @Cost(FIELD_COST.sshCommand)
  @FieldResolver(() => ServerStatusInfo, { description: 'Reachability, latency, uptime and load, read over SSH now.' })
  async status(@Parent() server: Server, @Ctx() ctx: Context) {
    const status = await ctx.servers.status(endpointOf(server));
    // Seen here, enforced everywhere: the workers read it before every script (their pooled connections cannot see it).
    if (status.changedHostKey) await recordHostKeyChange(ctx.em.fork(), server.id, status.changedHostKey.pinned, status.changedHostKey.presented);
    return status;
  }

  @Cost(FIELD_COST.sshHandshake)
  @FieldResolver(() => PresentedHostKeyInfo, { description: 'The host key the server presents now (first step of trusting it).' })
  async presentedHostKey(@Parent() server: Server, @Ctx() ctx: Context) {
    let key;
    try {
      key = await ctx.servers.presentedHostKey(server.address, server.sshPort);
    } catch (err) {
      // An unreachable server is an answer about the server, not a failure of Orchestra.
      if (err instanceof TransportError) throw new ServerUnreachableError(server.name, err.message);
      throw err;
    }
    const pinned = key.fingerprint === server.hostKeyFingerprint;
    if (server.hostKeyFingerprint && !pinned) await recordHostKeyChange(ctx.em.fork(), server.id, server.hostKeyFingerprint, key.fingerprint);
    return { ...key, pinned };
  }

  @Query(() => ServerNode)
  server(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findServer(ctx.em, id);
  }

  @Query(() => ServerConnection)
  servers(@Args() page: PageArgs, @Ctx() ctx: Context) {
    return paginate(ctx.em, Server, {}, { name: 'asc' }, page);
  }

  @Mutation(() => ServerPayload, { description: 'Adds a server. Nothing runs on it until its host key is trusted.' })
  createServer(@Arg('input') input: CreateServerInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async ({ em }) => {
      const v = new Validator();
      const name = v.text('name', input.name, { required: true, max: 64, pattern: SERVER_NAME, patternMessage: 'must be lowercase letters, digits, "." and "-"' });
      const conn = checkConnection(v, input, true);
      const description = v.text('description', input.description, { max: 2000 });
      v.check();
      if (await em.count(Server, { name })) throw new UserInputError('input.name', 'is already taken', UserErrorCode.TAKEN);
      const server = em.create(Server, { name, address: conn.address!, sshPort: conn.sshPort ?? 22, sshUser: conn.sshUser ?? 'root', description });
      await em.flush();
      noteTouched(ctx.audit, null, toGlobalId('Server', server.id));
      return { server };
    });
  }

  @Mutation(() => ServerPayload, { description: 'Changing where a server is (address, port) forgets its pinned host key.' })
  updateServer(@Arg('input') input: UpdateServerInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async ({ em }) => {
      const server = await findServer(em, input.id, 'input.id');
      noteTouched(ctx.audit, null, input.id);
      const v = new Validator();
      const conn = checkConnection(v, input, false);
      const description = input.description == null ? undefined : v.text('description', input.description, { max: 2000 });
      v.check();
      const moved = (conn.address !== undefined && conn.address !== server.address) || (conn.sshPort !== undefined && conn.sshPort !== server.sshPort);
      em.assign(server, Object.fromEntries(Object.entries({ ...conn, description }).filter(([, value]) => value !== undefined)));
      if (moved) Object.assign(server, { hostKeyFingerprint: null, hostKeyAlgorithm: null, hostKeyTrustedAt: null, hostKeyPresented: null, hostKeyChangedAt: null });
      return { server };
    });
  }

  @Cost(FIELD_COST.sshHandshake)
  @Mutation(() => ServerPayload, {
    description: 'Pins the host key the server presents, after the operator compared its fingerprint. A different key presented now is refused.',
  })
  async trustServerHostKey(@Arg('input') input: TrustServerHostKeyInput, @Ctx() ctx: Context) {
    const result = await runMutation(ctx, async ({ em }) => {
      const server = await findServer(em, input.id, 'input.id');
      noteTouched(ctx.audit, null, input.id);
      let presented;
      try {
        presented = await ctx.servers.presentedHostKey(server.address, server.sshPort);
      } catch (err) {
        throw new UserInputError('input.id', `the server did not answer: ${err instanceof Error ? err.message : err}`);
      }
      if (presented.fingerprint !== input.fingerprint.trim()) {
        throw new UserInputError('input.fingerprint', `the server presents ${presented.fingerprint}, not this fingerprint`);
      }
      ctx.audit.changedFields = ['hostKeyFingerprint'];
      Object.assign(server, {
        hostKeyFingerprint: presented.fingerprint,
        hostKeyAlgorithm: presented.algorithm,
        hostKeyTrustedAt: new Date(),
        hostKeyPresented: null,
        hostKeyChangedAt: null,
      });
      return { server };
    });
    // A queue on hold for this key waits for exactly this: wake it (a failure only delays it to its next re-check).
    if (result.server) await wakeServerQueue(ctx.temporal, ctx.config.temporalTaskQueue, result.server).catch(() => undefined);
    return result;
  }

  @Mutation(() => DeleteServerPayload, { description: 'Removes a server with its routes; its operations\' history goes too.' })
  deleteServer(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, async ({ em }) => {
      const server = await findServer(em, id);
      noteTouched(ctx.audit, null, id);
      em.remove(server);
      return { deletedId: id };
    });
  }
}
