import { Price } from '@/components/ui/Price';
import { deliveryEstimate, humanize, isZeroMoney } from '@/lib/format';
import type { Cart } from '../api/cart';
import type { ShippingOption, VendorShippingOptions } from '../api/checkout';

function itemsOf(group: VendorShippingOptions, cart: Cart): string {
  const wanted = new Set(group.variant_ids);
  return cart.items
    .filter((line) => wanted.has(line.variant.id))
    .map((line) => {
      const name = line.variant.product_name ?? humanize(line.variant.product_slug);
      return line.quantity > 1 ? `${name} × ${line.quantity}` : name;
    })
    .join(', ');
}

function OptionPrice({ option }: { option: ShippingOption }) {
  if (isZeroMoney(option.price)) {
    return <span className="price">Free</span>;
  }
  return <Price amount={option.price} currency={option.currency} />;
}

function optionNote(option: ShippingOption, countryName: string): string {
  if (option.ships_to_country === false) return `Does not ship to ${countryName}`;
  const parts = [
    `Arrives in ${deliveryEstimate(option.delivery_days_min, option.delivery_days_max)}`,
  ];
  if (isZeroMoney(option.price) && !isZeroMoney(option.list_price)) {
    parts.push('free for this order');
  }
  return parts.join(' · ');
}

/**
 * Each vendor ships its own parcel: one group of methods per vendor, with price (or "Free"),
 * delivery estimate, and the methods that do not ship to the chosen country disabled with
 * the reason. Radios are named `shipping_methods.<vendor slug>` so the form reads them.
 */
export function ShippingChoices({
  groups,
  cart,
  selected,
  onSelect,
  errors,
  countryName,
}: {
  groups: VendorShippingOptions[];
  cart: Cart;
  selected: Record<string, ShippingOption | undefined>;
  onSelect: (vendor: string, code: string) => void;
  errors: Record<string, string | undefined>;
  countryName: string;
}) {
  return (
    <div className="stack">
      {groups.map((group) => {
        const slug = group.vendor.slug;
        const shipsThere = group.options.some((option) => option.ships_to_country !== false);
        const error =
          errors[`shipping_methods.${slug}`] ??
          (shipsThere
            ? undefined
            : `${group.vendor.name} does not ship to ${countryName}. Choose another country or remove its items from your cart.`);
        const errorId = `shipping-${slug}-error`;
        return (
          <fieldset
            key={slug}
            className="shipping-group"
            aria-describedby={error ? errorId : undefined}
          >
            <legend>From {group.vendor.name}</legend>
            <p className="muted shipping-group__items">{itemsOf(group, cart)}</p>
            {group.options.map((option) => {
              const disabled = option.ships_to_country === false;
              const noteId = `shipping-${slug}-${option.code}-note`;
              return (
                <label
                  key={option.code}
                  className={['choice', 'shipping-option', disabled ? 'choice--disabled' : '']
                    .filter(Boolean)
                    .join(' ')}
                >
                  <input
                    type="radio"
                    name={`shipping_methods.${slug}`}
                    value={option.code}
                    disabled={disabled}
                    checked={!disabled && selected[slug]?.code === option.code}
                    onChange={() => onSelect(slug, option.code)}
                    aria-describedby={[noteId, error ? errorId : null].filter(Boolean).join(' ')}
                  />
                  <span className="shipping-option__text">
                    <span>{option.name}</span>
                    <span className="muted shipping-option__note" id={noteId}>
                      {optionNote(option, countryName)}
                    </span>
                  </span>
                  <OptionPrice option={option} />
                </label>
              );
            })}
            {error ? (
              <p className="field__error" id={errorId}>
                {error}
              </p>
            ) : null}
          </fieldset>
        );
      })}
    </div>
  );
}
