/** Which ports a website answers on (80: http, 443: https). */
export enum WebsiteProtocol {
  HTTP = 'HTTP',
  HTTPS = 'HTTPS',
  HTTP_AND_HTTPS = 'HTTP_AND_HTTPS',
  /** Port 80 redirects every request to https. */
  HTTPS_ONLY = 'HTTPS_ONLY',
}
