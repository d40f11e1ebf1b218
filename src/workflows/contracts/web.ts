// The contract of the web workflows (the certificates' renewal schedule): names, data and activities.

export const RENEW_CERTIFICATES_WORKFLOW = 'renewCertificatesWorkflow';

/** What a renewal run queued: the batch of the https websites' certificate saves (null: no route selects any). */
export interface CertificateRenewalResult {
  batchId: string | null;
}

/** The activities of the web workflows (src/activities/web/). */
export interface WebActivities {
  renewCertificates(): Promise<CertificateRenewalResult>;
}
