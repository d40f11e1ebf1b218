// Every workflow the worker runs. This file is the bundle's entry (`workflowsPath`): workflow code runs in a
// deterministic sandbox, so files under src/workflows import only @temporalio/workflow, each other, and types
// (enforced by eslint.config.js).
export { healthCheckWorkflow } from './health-check.js';
export { serverQueueWorkflow } from './server-queue.js';
export { scriptRunWorkflow } from './script-run.js';
export { outboxRelayWorkflow } from './outbox-relay.js';
export { monitorResourceWorkflow } from './monitoring.js';
export { resourceScheduleRelayWorkflow, monitorRetentionWorkflow } from './resource-schedules.js';
export { sendMailWorkflow } from './mail.js';
export { ordersUpdateWorkflow, ordersCleanupMetricsWorkflow } from './orders-schedules.js';
export { accountSetupWorkflow } from './standup/account-setup.js';
export { deployWorkflow } from './deploy/deploy.js';
export { billingInvoiceWorkflow } from './invoicing.js';
export { paymentsProcessWorkflow } from './payments.js';
export { billEmailWorkflow } from './bill-email.js';
export { renewCertificatesWorkflow } from './web.js';
