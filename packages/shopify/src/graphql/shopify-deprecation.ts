import type { DeprecationNotice } from '@connectors/core';

/**
 * Shopify's deprecation signals on a response (https://shopify.dev/docs/api/usage/versioning):
 * - `X-Shopify-API-Deprecated-Reason`: the request used something deprecated (a field, an argument
 *   or the version itself); the value is a reason or a link to it;
 * - `X-Shopify-API-Version` different from the pinned version: the pinned version is no longer
 *   supported and Shopify served the oldest supported one instead (it "falls forward").
 * Returns undefined when the response announces neither.
 */
export function readShopifyDeprecation(pinnedVersion: string) {
  return (headers: Headers): DeprecationNotice | undefined => {
    const reason = headers.get('x-shopify-api-deprecated-reason')?.trim();
    const served = headers.get('x-shopify-api-version')?.trim();
    const fellForward = served !== undefined && served !== '' && pinnedVersion !== 'unstable' && served !== pinnedVersion;
    if (!reason && !fellForward) return undefined;
    const notice: DeprecationNotice = {};
    const reasons: string[] = [];
    if (reason) {
      if (/^https?:\/\//i.test(reason)) notice.deprecationLink = reason;
      reasons.push(reason);
    }
    if (fellForward) reasons.push(`API version ${pinnedVersion} is no longer supported; Shopify served ${served}. Test against ${served} and pin it (apiVersion).`);
    notice.reason = reasons.join(' ');
    return notice;
  };
}
