import { log, proxyActivities } from '@temporalio/workflow';
import type { CertificateRenewalResult, WebActivities } from './contracts/web.js';

const { renewCertificates } = proxyActivities<WebActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 5, initialInterval: '30 seconds' },
});

/** Run daily by the `websites.renew-certificates` schedule: queues the https websites' certificate saves. */
export async function renewCertificatesWorkflow(): Promise<CertificateRenewalResult> {
  const result = await renewCertificates();
  log.info('certificate renewal queued', { ...result });
  return result;
}
