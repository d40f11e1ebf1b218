/** What a contact's e-mail address is used for. */
export enum EmailUsage {
  SUPPORT = 'SUPPORT',
  ADMIN = 'ADMIN',
  BILLING = 'BILLING',
  TECH = 'TECH',
  ADDS = 'ADDS',
  EMERGENCY = 'EMERGENCY',
}
