/** GraphQL documents of the `shop` resource (Admin API 2026-10). */

export const SHOP_FIELDS = /* GraphQL */ `
  id
  name
  email
  myshopifyDomain
  currencyCode
  ianaTimezone
  plan { partnerDevelopment shopifyPlus publicDisplayName }
`;

export const SHOP_QUERY = /* GraphQL */ `query Shop { shop { ${SHOP_FIELDS} } }`;

/** The credentials check: cost 1, needs no access scope beyond a valid token. */
export const SHOP_NAME_QUERY = /* GraphQL */ `query ShopName { shop { name myshopifyDomain } }`;
