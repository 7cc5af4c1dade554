/** GraphQL documents of customers (`read_customers` / `write_customers`). https://shopify.dev/docs/api/admin-graphql/latest/mutations/customerCreate */

export const CUSTOMER_FIELDS = /* GraphQL */ `
  id firstName lastName displayName
  defaultEmailAddress { emailAddress }
  defaultPhoneNumber { phoneNumber }
  numberOfOrders tags note createdAt updatedAt
`;

export const CUSTOMERS_QUERY = /* GraphQL */ `
  query Customers($first: Int!, $after: String, $query: String) {
    customers(first: $first, after: $after, query: $query) {
      nodes { ${CUSTOMER_FIELDS} }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export const CUSTOMER_QUERY = /* GraphQL */ `query Customer($id: ID!) { customer(id: $id) { ${CUSTOMER_FIELDS} } }`;

export const CUSTOMER_CREATE = /* GraphQL */ `
  mutation CustomerCreate($input: CustomerInput!) {
    customerCreate(input: $input) { customer { ${CUSTOMER_FIELDS} } userErrors { field message } }
  }
`;
