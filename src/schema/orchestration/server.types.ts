import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Node } from '../relay/node.js';
import { Connection } from '../relay/connection.js';

@ObjectType('Server', { implements: Node, description: 'A managed host, reached over SSH. Admins only.' })
export class ServerNode extends Node {
  @Field() name!: string;
  @Field() address!: string;
  @Field(() => Int) sshPort!: number;
  @Field() sshUser!: string;
  @Field() description!: string;
  @Field(() => String, { nullable: true, description: 'The pinned host key (SHA256:…); null until trusted.' }) hostKeyFingerprint!: string | null;
  @Field(() => String, { nullable: true }) hostKeyAlgorithm!: string | null;
  @Field(() => Date, { nullable: true }) hostKeyTrustedAt!: Date | null;
  @Field(() => String, {
    nullable: true,
    description: 'Another host key than the pinned one, as a connection or probe saw it: nothing runs on the server until a key is trusted again.',
  })
  hostKeyPresented!: string | null;
  @Field(() => Date, { nullable: true }) hostKeyChangedAt!: Date | null;
  @Field()
  createdAt!: Date;
}

export const ServerConnection = Connection(ServerNode, 'Server');

@ObjectType()
export class ServerStatusInfo {
  @Field() reachable!: boolean;
  @Field(() => Float, { nullable: true, description: 'Round trip of a trivial command on the pooled connection.' }) latencyMs!: number | null;
  @Field(() => Float, { nullable: true }) uptimeSeconds!: number | null;
  @Field(() => [Float], { nullable: true, description: '1, 5 and 15 minute load averages.' }) loadAverage!: number[] | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field() checkedAt!: string;
}

@ObjectType()
export class PresentedHostKeyInfo {
  @Field({ description: 'Compare it with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the server, then trust it.' })
  fingerprint!: string;
  @Field() algorithm!: string;
  @Field({ description: 'Whether it is the key already pinned.' }) pinned!: boolean;
}

@InputType()
export class CreateServerInput {
  @Field() name!: string;
  @Field() address!: string;
  @Field(() => Int, { nullable: true }) sshPort?: number;
  @Field({ nullable: true }) sshUser?: string;
  @Field({ nullable: true }) description?: string;
}

@InputType()
export class UpdateServerInput {
  @Field(() => ID) id!: string;
  @Field({ nullable: true }) address?: string;
  @Field(() => Int, { nullable: true }) sshPort?: number;
  @Field({ nullable: true }) sshUser?: string;
  @Field({ nullable: true }) description?: string;
}

@InputType()
export class TrustServerHostKeyInput {
  @Field(() => ID) id!: string;
  @Field({ description: 'The fingerprint the operator checked (from presentedHostKey): it must still be the one presented.' })
  fingerprint!: string;
}
