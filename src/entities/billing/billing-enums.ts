/** How often an order is billed (inventory §6.1): once, every month or every year. */
export enum BillingPeriod {
  ONE_TIME = 'ONE_TIME',
  MONTHLY = 'MONTHLY',
  ANNUAL = 'ANNUAL',
}

/** Where billing periods start: at each order's registration, or on a fixed date (day 1; January for annual). */
export enum BillingPoint {
  ON_REGISTER = 'ON_REGISTER',
  ON_FIXED_DATE = 'ON_FIXED_DATE',
}

export enum PaymentStyle {
  PREPAY = 'PREPAY',
  POSTPAY = 'POSTPAY',
}

/** The window the rate metric is computed over: the current value, the billing period, a month or a year. */
export enum PricingPeriod {
  NEVER = 'NEVER',
  BILLING_PERIOD = 'BILLING_PERIOD',
  MONTHLY = 'MONTHLY',
  ANNUAL = 'ANNUAL',
}

/** What a cancellation of a billed order gives back. */
export enum OnCancel {
  NOTHING = 'NOTHING',
  DISCOUNT = 'DISCOUNT',
  COMPENSATE = 'COMPENSATE',
  REFUND = 'REFUND',
}

/** A trial: an order cancelled within this time of its registration is ignored (never billed). */
export enum IgnorePeriod {
  NEVER = 'NEVER',
  ONE_DAY = 'ONE_DAY',
  TWO_DAYS = 'TWO_DAYS',
  TEN_DAYS = 'TEN_DAYS',
  ONE_MONTH = 'ONE_MONTH',
}
