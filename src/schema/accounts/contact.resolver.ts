import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { BillContact } from '../../entities/accounts/bill-contact.js';
import { Contact } from '../../entities/accounts/contact.js';
import { EmailUsage } from '../../entities/accounts/email-usage.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { noteTouched } from '../../audit/audit-note.js';
import type { Context } from '../context.js';
import { runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { Validator } from '../../validation/validator.js';
import { findAccount } from '../../accounts/find-account.js';
import { AccountNode } from './account.type.js';
import { BillContactNode, ContactConnection, ContactNode } from './contact.type.js';
import { ContactFilter, CreateContactInput, SetBillContactInput, UpdateContactInput } from './contact.inputs.js';
import { checkAddress, checkContact, checkVat, type ContactFields } from './contact.validation.js';
import { Parent } from '../parent.js';

const ContactPayload = Payload('Contact', 'contact', ContactNode);
const DeleteContactPayload = DeletePayload('DeleteContact');
const BillContactPayload = Payload('SetBillContact', 'billContact', BillContactNode);

async function findContact(em: EntityManager, globalId: string, field = 'id'): Promise<Contact> {
  const contact = await em.findOne(Contact, { id: idOf('Contact', globalId, field) }, { populate: ['account'] });
  if (!contact) throw new NotFoundError('Contact', field);
  return contact;
}

const CONTACT_FIELDS: (keyof ContactFields)[] = [
  'shortName', 'fullName', 'email', 'emailUsages', 'phone', 'phone2', 'address', 'city', 'zipcode', 'country',
];

@Resolver(() => ContactNode)
export class ContactResolver {
  @FieldResolver(() => ID)
  id(@Parent() contact: Contact): string {
    return toGlobalId('Contact', contact.id);
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() contact: Contact) {
    return contact.account.loadOrFail();
  }

  @Query(() => ContactNode)
  contact(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findContact(ctx.em, id);
  }

  @Query(() => ContactConnection)
  contacts(@Args() page: PageArgs, @Arg('filter', () => ContactFilter, { nullable: true }) filter: ContactFilter | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<Contact> = {};
    if (filter?.accountId) where.account = idOf('Account', filter.accountId);
    if (filter?.emailUsage) where.emailUsages = { $contains: [filter.emailUsage] };
    if (filter?.search) {
      const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.$or = [{ shortName: { $ilike: like } }, { fullName: { $ilike: like } }, { email: { $ilike: like } }];
    }
    return paginate(ctx.em, Contact, where, { shortName: 'asc' }, page);
  }

  @Mutation(() => ContactPayload)
  createContact(@Arg('input') input: CreateContactInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async ({ em }) => {
      const account = await findAccount(em, input.accountId, 'input.accountId');
      noteTouched(ctx.audit, account);
      const fields = checked({
        shortName: input.shortName,
        fullName: input.fullName ?? '',
        email: input.email,
        emailUsages: input.emailUsages ?? Object.values(EmailUsage),
        phone: input.phone ?? '',
        phone2: input.phone2 ?? '',
        address: input.address ?? '',
        city: input.city ?? '',
        zipcode: input.zipcode ?? '',
        country: input.country ?? '',
      });
      const contact = em.create(Contact, { account, ...fields });
      await em.flush();
      ctx.audit.objectIds.push(toGlobalId('Contact', contact.id));
      return { contact };
    });
  }

  @Mutation(() => ContactPayload)
  updateContact(@Arg('input') input: UpdateContactInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async ({ em }) => {
      const contact = await findContact(em, input.id, 'input.id');
      noteTouched(ctx.audit, contact.account.getEntity(), input.id);
      const merged = Object.fromEntries(
        CONTACT_FIELDS.map((k) => [k, input[k] === undefined || input[k] === null ? contact[k] : input[k]]),
      ) as unknown as ContactFields;
      const fields = checked(merged);
      const changed = CONTACT_FIELDS.filter((k) => JSON.stringify(fields[k]) !== JSON.stringify(contact[k]));
      em.assign(contact, Object.fromEntries(changed.map((k) => [k, fields[k]])));
      ctx.audit.changedFields = changed;
      return { contact };
    });
  }

  @Mutation(() => DeleteContactPayload)
  deleteContact(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, async ({ em }) => {
      const contact = await findContact(em, id);
      noteTouched(ctx.audit, contact.account.getEntity(), id);
      em.remove(contact);
      return { deletedId: id };
    });
  }

  @Mutation(() => BillContactPayload, { description: 'Creates or replaces the account\'s bill contact.' })
  setBillContact(@Arg('input') input: SetBillContactInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async ({ em }) => {
      const account = await findAccount(em, input.accountId, 'input.accountId');
      noteTouched(ctx.audit, account);
      const v = new Validator();
      const name = v.text('name', input.name, { required: true, max: 256 });
      const address = checkAddress(v, input, true);
      const vat = checkVat(v, input.vat);
      v.check();
      const existing = await em.findOne(BillContact, { account });
      const billContact = existing ?? em.create(BillContact, { account, name, ...address, vat });
      em.assign(billContact, { name, ...address, vat });
      await em.flush();
      ctx.audit.objectIds.push(toGlobalId('BillContact', billContact.id));
      return { billContact };
    });
  }
}

@Resolver(() => BillContactNode)
export class BillContactResolver {
  @FieldResolver(() => ID)
  id(@Parent() billContact: BillContact): string {
    return toGlobalId('BillContact', billContact.id);
  }
}

function checked(fields: ContactFields): ContactFields {
  const v = new Validator();
  const result = checkContact(v, fields);
  v.check();
  return result;
}
