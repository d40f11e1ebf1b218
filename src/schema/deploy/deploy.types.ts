import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum DeployActionEnum {
  SETUP = 'setup',
  DEPLOY = 'deploy',
  ROLLBACK = 'rollback',
  RELEASES = 'releases',
}
registerEnumType(DeployActionEnum, { name: 'DeployAction', description: "An action of Orchestra's own deployment on a server." });

@InputType()
export class DeployOrchestraInput {
  @Field(() => DeployActionEnum) action!: DeployActionEnum;
  @Field(() => ID, { description: 'The server (its pinned host key is trusted as for the backends).' }) serverId!: string;
  @Field({ description: 'api or worker.' }) role!: string;
  @Field({ description: 'staging or prod.' }) env!: string;
  @Field(() => String, { nullable: true, description: 'rollback: the release to go back to (none: the last good one before the current).' })
  release?: string | null;
  @Field(() => String, { nullable: true, description: "deploy: the release's .tar.gz on the worker's host (npm pack, or a tar of the built tree)." })
  releasePath?: string | null;
}

@ObjectType('Release')
export class ReleaseNode {
  @Field() name!: string;
  @Field() current!: boolean;
  @Field({ description: 'It failed its health check when deployed.' }) failed!: boolean;
}

@ObjectType('DeployRun', { description: 'One deployment action: a workflow with its history.' })
export class DeployRunNode {
  @Field() workflowId!: string;
  @Field() workflowUrl!: string;
  @Field() ok!: boolean;
  @Field(() => Int, { nullable: true }) exitCode!: number | null;
  @Field() stdout!: string;
  @Field() stderr!: string;
  @Field(() => [ReleaseNode], { description: "The server's releases after the action." }) releases!: ReleaseNode[];
}
