import { GraphQLError } from 'graphql';
import { gid, LOCATIONS, type Row } from './seed-data.ts';
import { applySearch } from './search-query.ts';

/** What resolvers see besides arguments. */
export interface ResolverContext {
  /** A bulk query: connections need no `first` and return every node. */
  bulk: boolean;
}

/** The sandbox's state for one request: the seeded (and changed) collections and the shop being asked. */
export interface SandboxStore {
  data: Record<string, unknown[]>;
  shop: string;
  now: number;
}

type Args = Record<string, unknown>;
const MAX_PAGE = 250;
const cursorOf = (id: unknown) => Buffer.from(String(id)).toString('base64url');
const idOfCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

/** A Relay connection over `items` for `first`/`after` or `last`/`before`, as Shopify pages. */
export function connection<T extends { id?: unknown }>(items: readonly T[], args: Args, context: ResolverContext) {
  const first = args['first'] as number | null | undefined;
  const last = args['last'] as number | null | undefined;
  if (!context.bulk) {
    if (first == null && last == null) throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'argumentLiteralsIncompatible' } });
    for (const [name, n] of [['first', first], ['last', last]] as const) {
      if (n != null && (n < 0 || n > MAX_PAGE)) throw new GraphQLError(`${name} must be between 0 and ${MAX_PAGE} (the maximum number of items per page)`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
  }
  let start = 0;
  let end = items.length;
  if (typeof args['after'] === 'string') {
    const at = items.findIndex((i) => String(i.id) === idOfCursor(args['after'] as string));
    if (at < 0) throw new GraphQLError(`Invalid cursor for the current pagination: ${String(args['after'])}`, { extensions: { code: 'BAD_USER_INPUT' } });
    start = at + 1;
  }
  if (typeof args['before'] === 'string') {
    const at = items.findIndex((i) => String(i.id) === idOfCursor(args['before'] as string));
    if (at >= 0) end = at;
  }
  let page = items.slice(start, end);
  if (first != null) page = page.slice(0, first);
  else if (last != null) page = page.slice(Math.max(0, page.length - last));
  const firstIndex = page.length ? items.indexOf(page[0]!) : start;
  const lastIndex = page.length ? items.indexOf(page[page.length - 1]!) : start - 1;
  return {
    nodes: page,
    edges: page.map((node) => ({ cursor: cursorOf(node.id), node })),
    pageInfo: {
      hasNextPage: lastIndex < end - 1 && lastIndex + 1 < items.length,
      hasPreviousPage: firstIndex > 0,
      startCursor: page.length ? cursorOf(page[0]!.id) : null,
      endCursor: page.length ? cursorOf(page[page.length - 1]!.id) : null,
    },
  };
}

const bag = (amount: unknown) => ({ shopMoney: { amount: String(amount), currencyCode: 'USD' }, presentmentMoney: { amount: String(amount), currencyCode: 'USD' } });
const numberOf = (id: unknown) => String(id).split('/').pop()!;

/** Read views: the stored rows plus resolvers for the fields that are computed or paged. */
export function views(store: SandboxStore) {
  const products = () => store.data['products'] as Row[];
  const customers = () => store.data['customers'] as Row[];
  const orders = () => store.data['orders'] as Row[];
  const variants = () => products().flatMap((p) => (p['variants'] as Row[]).map((v) => ({ variant: v, product: p })));

  const level = (variant: Row, stock: Row, index: number) => {
    const available = stock['available'] as number;
    const committed = stock['committed'] as number;
    return {
      __typename: 'InventoryLevel',
      id: gid('InventoryLevel', `${numberOf(variant['inventoryItemId'])}${index}?inventory_item_id=${numberOf(variant['inventoryItemId'])}`),
      location: LOCATIONS.find((l) => l['id'] === stock['locationId']),
      quantities: ({ names }: { names: string[] }) =>
        names.map((name) => ({ name, quantity: name === 'available' ? available : name === 'committed' ? committed : name === 'on_hand' ? available + committed : 0 })),
      updatedAt: variant['updatedAt'],
    };
  };
  const inventoryItem = (variant: Row) => ({
    __typename: 'InventoryItem',
    id: variant['inventoryItemId'],
    sku: variant['sku'],
    tracked: true,
    inventoryLevels: (args: Args, context: ResolverContext) => connection((variant['levels'] as Row[]).map((s, i) => level(variant, s, i)), args, context),
  });
  const stockOf = (variant: Row) => (variant['levels'] as Row[]).reduce((sum, s) => sum + (s['available'] as number), 0);
  const variant = (row: Row, parent: Row): Row => ({
    ...row,
    inventoryQuantity: stockOf(row),
    inventoryItem: () => inventoryItem(row),
    product: () => product(parent),
  });
  const product = (row: Row): Row => ({
    ...row,
    totalInventory: (row['variants'] as Row[]).reduce((sum, v) => sum + stockOf(v), 0),
    variants: (args: Args, context: ResolverContext) => connection((row['variants'] as Row[]).map((v) => variant(v, row)), args, context),
  });
  const customer = (row: Row): Row => ({
    ...row,
    displayName: [row['firstName'], row['lastName']].filter(Boolean).join(' ') || String(row['email'] ?? row['phone'] ?? 'Customer'),
    defaultEmailAddress: row['email'] ? { emailAddress: row['email'] } : null,
    defaultPhoneNumber: row['phone'] ? { phoneNumber: row['phone'] } : null,
    numberOfOrders: String(orders().filter((o) => o['customerId'] === row['id']).length),
  });
  const lineItem = (row: Row): Row => ({
    ...row,
    originalUnitPriceSet: bag(row['price']),
    variant: () => {
      const found = variants().find((v) => v.variant['id'] === row['variantId']);
      return found ? variant(found.variant, found.product) : null;
    },
  });
  const order = (row: Row): Row => ({
    ...row,
    totalPriceSet: bag(row['total']),
    customer: () => {
      const found = customers().find((c) => c['id'] === row['customerId']);
      return found ? customer(found) : null;
    },
    lineItems: (args: Args, context: ResolverContext) => connection((row['lineItems'] as Row[]).map(lineItem), args, context),
  });

  const searchProducts = (query: unknown) =>
    applySearch(products(), query as string | undefined, {
      status: (p) => p['status'],
      vendor: (p) => p['vendor'],
      product_type: (p) => p['productType'],
      title: (p) => p['title'],
      handle: (p) => p['handle'],
      tag: (p) => p['tags'],
      id: (p) => numberOf(p['id']),
      created_at: (p) => p['createdAt'],
      updated_at: (p) => p['updatedAt'],
    }, (p) => String(p['title']));

  const sortOrders = (rows: Row[], sortKey: unknown, reverse: unknown) => {
    const key = sortKey === 'UPDATED_AT' ? 'updatedAt' : sortKey === 'PROCESSED_AT' ? 'processedAt' : sortKey === 'CREATED_AT' ? 'createdAt' : undefined;
    const sorted = key ? [...rows].sort((a, b) => String(a[key]).localeCompare(String(b[key])) || String(a['id']).localeCompare(String(b['id']))) : [...rows];
    return reverse === true ? sorted.reverse() : sorted;
  };
  const searchOrders = (query: unknown) =>
    applySearch(orders(), query as string | undefined, {
      financial_status: (o) => o['displayFinancialStatus'],
      fulfillment_status: (o) => (o['displayFulfillmentStatus'] === 'FULFILLED' ? 'shipped' : 'unshipped'),
      email: (o) => o['email'],
      name: (o) => o['name'],
      customer_id: (o) => (o['customerId'] ? numberOf(o['customerId']) : null),
      created_at: (o) => o['createdAt'],
      updated_at: (o) => o['updatedAt'],
      id: (o) => numberOf(o['id']),
    }, (o) => `${String(o['name'])} ${String(o['email'] ?? '')}`);

  const nodeById = (id: string): Row | null => {
    const type = /^gid:\/\/shopify\/([A-Za-z]+)\//.exec(id)?.[1];
    switch (type) {
      case 'Product': {
        const row = products().find((p) => p['id'] === id);
        return row ? product(row) : null;
      }
      case 'ProductVariant': {
        const found = variants().find((v) => v.variant['id'] === id);
        return found ? variant(found.variant, found.product) : null;
      }
      case 'Order': {
        const row = orders().find((o) => o['id'] === id);
        return row ? order(row) : null;
      }
      case 'Customer': {
        const row = customers().find((c) => c['id'] === id);
        return row ? customer(row) : null;
      }
      case 'InventoryItem': {
        const found = variants().find((v) => v.variant['inventoryItemId'] === id);
        return found ? inventoryItem(found.variant) : null;
      }
      case 'Location':
        return LOCATIONS.find((l) => l['id'] === id) ?? null;
      default:
        return null;
    }
  };

  return {
    products,
    customers,
    orders,
    variants,
    product,
    customer,
    order,
    nodeById,
    query: {
      products: (args: Args, context: ResolverContext) => {
        const rows = searchProducts(args['query']);
        return connection((args['reverse'] === true ? [...rows].reverse() : rows).map(product), args, context);
      },
      product: ({ id }: Args) => (String(id).startsWith('gid://shopify/Product/') ? nodeById(String(id)) : null),
      productVariants: (args: Args, context: ResolverContext) =>
        connection(
          applySearch(variants(), args['query'] as string | undefined, { sku: (v) => v.variant['sku'], product_id: (v) => numberOf(v.product['id']) }, (v) => String(v.variant['title'])).map((v) => variant(v.variant, v.product)),
          args,
          context,
        ),
      orders: (args: Args, context: ResolverContext) => connection(sortOrders(searchOrders(args['query']), args['sortKey'], args['reverse']).map(order), args, context),
      order: ({ id }: Args) => (String(id).startsWith('gid://shopify/Order/') ? nodeById(String(id)) : null),
      customers: (args: Args, context: ResolverContext) =>
        connection(
          applySearch(customers(), args['query'] as string | undefined, { email: (c) => c['email'], first_name: (c) => c['firstName'], last_name: (c) => c['lastName'], tag: (c) => c['tags'], id: (c) => numberOf(c['id']) }, (c) => `${String(c['firstName'])} ${String(c['lastName'])} ${String(c['email'])}`).map(customer),
          args,
          context,
        ),
      customer: ({ id }: Args) => (String(id).startsWith('gid://shopify/Customer/') ? nodeById(String(id)) : null),
      inventoryItem: ({ id }: Args) => (String(id).startsWith('gid://shopify/InventoryItem/') ? nodeById(String(id)) : null),
    },
  };
}

type UserError = { field: string[] | null; message: string; code?: string };

/** The mutations the sandbox implements, with Shopify's user errors for invalid input. */
export function mutations(store: SandboxStore, view: ReturnType<typeof views>) {
  const created = () => new Date(store.now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const counter = (name: string) => {
    const counters = (store.data['counters'] ??= [{}])[0] as Record<string, number>;
    counters[name] = (counters[name] ?? 0) + 1;
    return counters[name]!;
  };
  const fail = (userErrors: UserError[], extra: Row = {}) => ({ ...extra, userErrors });
  const PRODUCT_FIELDS = ['title', 'descriptionHtml', 'vendor', 'productType', 'tags', 'status', 'handle'] as const;
  const handleOf = (title: string) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

  const newVariant = (input: Row, productNumber: string, index: number, at: string): Row => {
    const n = `${productNumber}${900 + counter('variant')}`;
    return {
      __typename: 'ProductVariant',
      id: gid('ProductVariant', n),
      title: (input['optionValues'] as { name?: string }[] | undefined)?.map((o) => o.name).join(' / ') || `Variant ${index + 1}`,
      sku: (input['inventoryItem'] as Row | undefined)?.['sku'] ?? null,
      price: input['price'] ?? '0.00',
      compareAtPrice: input['compareAtPrice'] ?? null,
      inventoryItemId: gid('InventoryItem', n),
      levels: LOCATIONS.map((l) => ({ locationId: l['id'], available: 0, committed: 0 })),
      createdAt: at,
      updatedAt: at,
    };
  };
  const priceErrors = (variants: Row[]): UserError[] =>
    variants.flatMap((v, i) => (v['price'] !== undefined && v['price'] !== null && !/^\d+(\.\d{1,2})?$/.test(String(v['price'])) ? [{ field: ['variants', String(i), 'price'], message: 'Price must be a non-negative amount', code: 'INVALID' }] : []));

  return {
    productCreate: ({ product: input }: { product: Row }) => {
      const title = typeof input['title'] === 'string' ? input['title'].trim() : '';
      if (!title) return fail([{ field: ['product', 'title'], message: "Title can't be blank" }], { product: null });
      const handle = (input['handle'] as string | undefined) ?? handleOf(title);
      if (view.products().some((p) => p['handle'] === handle)) return fail([{ field: ['product', 'handle'], message: `Handle '${handle}' already in use. Please provide a new handle.` }], { product: null });
      const n = 2000 + counter('product');
      const at = created();
      const row: Row = {
        __typename: 'Product',
        id: gid('Product', n),
        title,
        handle,
        status: input['status'] ?? 'ACTIVE',
        vendor: input['vendor'] ?? 'Sandbox',
        productType: input['productType'] ?? '',
        tags: input['tags'] ?? [],
        descriptionHtml: input['descriptionHtml'] ?? '',
        createdAt: at,
        updatedAt: at,
        variants: [],
      };
      (row['variants'] as Row[]).push({ ...newVariant({ price: '0.00' }, String(n), 0, at), title: 'Default Title' });
      view.products().push(row);
      return { product: view.product(row), userErrors: [] };
    },
    productUpdate: ({ product: input }: { product: Row }) => {
      const row = view.products().find((p) => p['id'] === input['id']);
      if (!row) return fail([{ field: ['product', 'id'], message: 'Product does not exist' }], { product: null });
      if (input['title'] !== undefined && !String(input['title']).trim()) return fail([{ field: ['product', 'title'], message: "Title can't be blank" }], { product: null });
      for (const field of PRODUCT_FIELDS) if (input[field] !== undefined && input[field] !== null) row[field] = input[field];
      row['updatedAt'] = created();
      return { product: view.product(row), userErrors: [] };
    },
    productVariantsBulkCreate: ({ productId, variants }: { productId: string; variants: Row[] }) => {
      const row = view.products().find((p) => p['id'] === productId);
      if (!row) return fail([{ field: ['productId'], message: 'Product does not exist', code: 'PRODUCT_DOES_NOT_EXIST' }], { product: null, productVariants: null });
      const errors = priceErrors(variants);
      if (errors.length) return fail(errors, { product: null, productVariants: null });
      const at = created();
      const added = variants.map((v, i) => newVariant(v, numberOf(row['id']), (row['variants'] as Row[]).length + i, at));
      (row['variants'] as Row[]).push(...added);
      const full = view.product(row);
      return { product: full, productVariants: added.map((v) => ({ ...v, inventoryQuantity: 0, inventoryItem: () => ({ __typename: 'InventoryItem', id: v['inventoryItemId'], sku: v['sku'], tracked: true }), product: () => full })), userErrors: [] };
    },
    productVariantsBulkUpdate: ({ productId, variants }: { productId: string; variants: Row[] }) => {
      const row = view.products().find((p) => p['id'] === productId);
      if (!row) return fail([{ field: ['productId'], message: 'Product does not exist', code: 'PRODUCT_DOES_NOT_EXIST' }], { product: null, productVariants: null });
      const existing = row['variants'] as Row[];
      const missing = variants.flatMap((v, i) => (existing.some((e) => e['id'] === v['id']) ? [] : [{ field: ['variants', String(i), 'id'], message: 'Product variant does not exist', code: 'PRODUCT_VARIANT_DOES_NOT_EXIST' }]));
      const errors = [...missing, ...priceErrors(variants)];
      if (errors.length) return fail(errors, { product: null, productVariants: null });
      const at = created();
      const changed = variants.map((v) => {
        const target = existing.find((e) => e['id'] === v['id'])!;
        if (v['price'] !== undefined) target['price'] = v['price'];
        if (v['compareAtPrice'] !== undefined) target['compareAtPrice'] = v['compareAtPrice'];
        const sku = (v['inventoryItem'] as Row | undefined)?.['sku'];
        if (sku !== undefined) target['sku'] = sku;
        target['updatedAt'] = at;
        return target;
      });
      const full = view.product(row);
      return { product: full, productVariants: changed.map((v) => ({ ...v, inventoryQuantity: 0, inventoryItem: () => ({ __typename: 'InventoryItem', id: v['inventoryItemId'], sku: v['sku'], tracked: true }), product: () => full })), userErrors: [] };
    },
    customerCreate: ({ input }: { input: Row }) => {
      const email = typeof input['email'] === 'string' ? input['email'].trim().toLowerCase() : undefined;
      if (!email && !input['phone'] && !input['firstName'] && !input['lastName']) {
        return fail([{ field: null, message: 'A name, phone number, or email address must be present' }], { customer: null });
      }
      if (email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return fail([{ field: ['email'], message: 'Email is invalid' }], { customer: null });
      if (email && view.customers().some((c) => c['email'] === email)) return fail([{ field: ['email'], message: 'Email has already been taken' }], { customer: null });
      const at = created();
      const row: Row = {
        __typename: 'Customer',
        id: gid('Customer', 6000 + counter('customer')),
        firstName: input['firstName'] ?? null,
        lastName: input['lastName'] ?? null,
        email: email ?? null,
        phone: input['phone'] ?? null,
        tags: input['tags'] ?? [],
        note: input['note'] ?? null,
        createdAt: at,
        updatedAt: at,
      };
      view.customers().push(row);
      return { customer: view.customer(row), userErrors: [] };
    },
  };
}
