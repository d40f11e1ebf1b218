import { Crontab } from '../../entities/services/crontab.js';
import { SystemUser } from '../../entities/services/system-user.js';
import { UserInputError } from '../../errors/user-input-error.js';
import { toGlobalId } from '../../schema/relay/global-id.js';
import { createCrontab, deleteCrontab, updateCrontab } from '../../services/crontabs/crontab.use-cases.js';
import type { SetupContext, SetupSection } from '../setup-section.js';

export interface CrontabItem {
  /** The system user whose crontab holds the line (the account's name for its main user). */
  systemUser: string;
  command: string;
  minute?: string;
  hour?: string;
  dayOfMonth?: string;
  month?: string;
  dayOfWeek?: string;
  description?: string;
  isActive?: boolean;
}

const SCHEDULE = ['minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek'] as const;

/** A line is its user and command (stored trimmed): a changed schedule or description updates it, a changed command is another line. */
const lineKey = (systemUser: string, command: string) => `${systemUser}\n${command.trim()}`;

async function systemUserId({ uc, account }: SetupContext, username: string): Promise<string> {
  const user = await uc.em.findOne(SystemUser, { account, username });
  if (!user) throw new UserInputError('systemUser', `names no system user of the account: ${username}`);
  return toGlobalId('SystemUser', user.id);
}

/** Crontab lines of the account's system users. */
export const crontabsSection: SetupSection<CrontabItem, Crontab> = {
  kind: 'crontabs',
  description: "Lines of the system users' crontabs, each its user and command. Unlisted lines are deleted.",
  itemSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['systemUser', 'command'],
    properties: {
      systemUser: { type: 'string', minLength: 1, maxLength: 32 },
      command: { type: 'string', minLength: 1 },
      ...Object.fromEntries(SCHEDULE.map((f) => [f, { type: 'string', minLength: 1, maxLength: 64, description: '"*" when created without one.' }])),
      description: { type: 'string', maxLength: 256 },
      isActive: { type: 'boolean' },
    },
  },
  keyOf: (item) => lineKey(item.systemUser, item.command),
  async current({ uc, account }) {
    const lines = await uc.em.find(Crontab, { account }, { populate: ['systemUser'], orderBy: { id: 'asc' } });
    return new Map(lines.map((c) => [lineKey(c.systemUser.getEntity().username, c.command), c]));
  },
  async create(ctx, item) {
    const { systemUser, isActive, ...fields } = item;
    const line = await createCrontab(ctx.uc, { ...fields, systemUserId: await systemUserId(ctx, systemUser) });
    if (isActive === false) await updateCrontab(ctx.uc, { id: toGlobalId('Crontab', line.id), isActive: false });
  },
  async update({ uc }, item, line) {
    const { systemUser: _user, command: _command, ...fields } = item;
    await updateCrontab(uc, { id: toGlobalId('Crontab', line.id), ...fields });
  },
  async remove({ uc }, line) {
    await deleteCrontab(uc, toGlobalId('Crontab', line.id));
  },
};
