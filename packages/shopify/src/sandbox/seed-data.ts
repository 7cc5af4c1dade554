/** Deterministic seed data of the sandbox store: the same on every run. */

export type Row = Record<string, unknown>;

const BASE = Date.parse('2026-06-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
export const gid = (type: string, n: number | string) => `gid://shopify/${type}/${n}`;

const VENDORS = ['Acme', 'Globex', 'Initech', 'Umbrella'];
const TYPES = ['Shirts', 'Mugs', 'Posters'];
const SIZES = ['Small', 'Medium', 'Large'];
const FINANCIAL = ['PAID', 'PAID', 'PENDING', 'REFUNDED', 'AUTHORIZED', 'PARTIALLY_REFUNDED'];
const FULFILLMENT = ['FULFILLED', 'UNFULFILLED', 'PARTIALLY_FULFILLED', 'UNFULFILLED'];

export const LOCATIONS: Row[] = [
  { __typename: 'Location', id: gid('Location', 1), name: 'Main warehouse' },
  { __typename: 'Location', id: gid('Location', 2), name: 'Shop floor' },
];

export function seedProducts(count = 60): Row[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const created = BASE + n * 3_600_000;
    const status = n % 10 === 0 ? 'DRAFT' : n % 17 === 0 ? 'ARCHIVED' : 'ACTIVE';
    return {
      __typename: 'Product',
      id: gid('Product', 1000 + n),
      title: `Sandbox ${TYPES[n % TYPES.length]!.replace(/s$/, '')} ${n}`,
      handle: `sandbox-${TYPES[n % TYPES.length]!.toLowerCase().replace(/s$/, '')}-${n}`,
      status,
      vendor: VENDORS[n % VENDORS.length],
      productType: TYPES[n % TYPES.length],
      tags: n % 2 === 0 ? ['sandbox', 'even'] : ['sandbox'],
      descriptionHtml: `<p>Product ${n} of the sandbox store.</p>`,
      createdAt: iso(created),
      updatedAt: iso(created + 86_400_000),
      variants: SIZES.map((size, j) => {
        const vn = n * 10 + j;
        return {
          __typename: 'ProductVariant',
          id: gid('ProductVariant', vn),
          title: size,
          sku: `SBX-${n}-${size[0]}`,
          price: `${(9 + n + j * 2).toFixed(2)}`,
          compareAtPrice: null,
          inventoryItemId: gid('InventoryItem', vn),
          levels: LOCATIONS.map((location, k) => ({ locationId: location['id'], available: (vn * 7 + k * 13) % 50, committed: (vn + k) % 4 })),
          createdAt: iso(created),
          updatedAt: iso(created + 86_400_000),
        };
      }),
    };
  });
}

export function seedCustomers(count = 40): Row[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const created = BASE + n * 7_200_000;
    return {
      __typename: 'Customer',
      id: gid('Customer', 5000 + n),
      firstName: `Casey${n}`,
      lastName: `Sandbox`,
      email: `customer${n}@example.com`,
      phone: n % 3 === 0 ? `+1555010${String(n).padStart(4, '0')}` : null,
      tags: n % 4 === 0 ? ['vip'] : [],
      note: null,
      createdAt: iso(created),
      updatedAt: iso(created + 3_600_000),
    };
  });
}

export function seedOrders(products: readonly Row[], customers: readonly Row[], count = 80): Row[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const created = BASE + n * 5_400_000;
    const lines = Array.from({ length: 1 + (n % 3) }, (_, j) => {
      const product = products[(n * 7 + j * 3) % products.length]!;
      const variant = (product['variants'] as Row[])[(n + j) % 3]!;
      return { __typename: 'LineItem', id: gid('LineItem', n * 100 + j), title: product['title'], quantity: 1 + ((n + j) % 3), sku: variant['sku'], variantId: variant['id'], price: variant['price'] };
    });
    const total = lines.reduce((sum, l) => sum + Number(l.price) * l.quantity, 0);
    const customer = n % 9 === 0 ? undefined : customers[n % customers.length]!;
    return {
      __typename: 'Order',
      id: gid('Order', 9000 + n),
      name: `#${1000 + n}`,
      email: customer ? customer['email'] : null,
      createdAt: iso(created),
      updatedAt: iso(created + (n % 5) * 3_600_000),
      processedAt: iso(created),
      cancelledAt: null,
      displayFinancialStatus: FINANCIAL[n % FINANCIAL.length],
      displayFulfillmentStatus: FULFILLMENT[n % FULFILLMENT.length],
      total: total.toFixed(2),
      customerId: customer ? customer['id'] : null,
      lineItems: lines,
    };
  });
}
