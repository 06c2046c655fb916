import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { ErrorMessage, Notice, Spinner } from '@/components/ui/Feedback';
import { CheckboxField, TextField } from '@/components/ui/Field';
import { Price } from '@/components/ui/Price';
import { deliveryEstimate } from '@/lib/format';
import { readForm, useFormErrors } from '@/lib/forms';
import { useDocumentTitle } from '@/lib/hooks';
import { SHIPPING_METHOD_FIELDS, policiesSchema, shippingMethodSchema } from '../api/schemas';
import {
  useDeleteShippingMethod,
  usePlatformShippingMethods,
  useSavePolicies,
  useSaveShippingMethod,
  useVendorPolicies,
  useVendorShippingMethods,
  type VendorPolicies,
  type VendorShippingMethod,
} from '../api/vendor';

function MethodForm({
  method,
  onDone,
}: {
  method?: VendorShippingMethod | undefined;
  onDone: () => void;
}) {
  const save = useSaveShippingMethod();
  const form = useFormErrors();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = form.validate(shippingMethodSchema, readForm(event.currentTarget));
    if (!values) return;
    save.mutate(
      { id: method?.id, body: values },
      { onSuccess: onDone, onError: (error) => form.showApiError(error, SHIPPING_METHOD_FIELDS) },
    );
  };
  const e = form.errors;
  // One message for the list, whichever code was wrong (`countries.1` from zod or the API).
  const countriesError = Object.entries(e).find(
    ([key, message]) => (key === 'countries' || key.startsWith('countries.')) && message,
  )?.[1];
  return (
    <form
      className="panel stack"
      onSubmit={onSubmit}
      noValidate
      aria-label={method ? `Edit ${method.name}` : 'New shipping method'}
    >
      <ErrorMessage error={form.formError} />
      <div className="row row--top">
        <TextField
          label="Name"
          name="name"
          required
          defaultValue={method?.name}
          error={e.name}
          hint="As shoppers see it, e.g. “DHL Parcel”."
        />
        <TextField
          label="Code"
          name="code"
          required
          defaultValue={method?.code}
          error={e.code}
          autoComplete="off"
          hint="Short and unique, e.g. standard."
        />
      </div>
      <div className="row row--top">
        <TextField
          label="Price"
          name="price"
          required
          inputMode="decimal"
          defaultValue={method?.price}
          error={e.price}
        />
        <TextField
          label="Free above"
          name="free_above"
          inputMode="decimal"
          defaultValue={method?.free_above ?? ''}
          error={e.free_above}
          hint="Free when your part of an order reaches this. Empty: never free."
        />
      </div>
      <TextField
        label="Ships to"
        name="countries"
        defaultValue={(method?.countries ?? []).join(', ')}
        error={countriesError}
        autoComplete="off"
        hint="Two-letter country codes, e.g. DE, AT, FR. Empty: everywhere."
      />
      <div className="row row--top">
        <TextField
          label="Delivery from (days)"
          name="delivery_days_min"
          type="number"
          min={0}
          max={90}
          required
          defaultValue={method?.delivery_days_min ?? 2}
          error={e.delivery_days_min}
        />
        <TextField
          label="Delivery up to (days)"
          name="delivery_days_max"
          type="number"
          min={0}
          max={90}
          required
          defaultValue={method?.delivery_days_max ?? 5}
          error={e.delivery_days_max}
        />
        <TextField
          label="Position"
          name="position"
          type="number"
          min={0}
          max={1000}
          defaultValue={method?.position ?? 0}
          error={e.position}
          hint="Lower comes first."
        />
      </div>
      <CheckboxField
        label="Offer it to shoppers (active)"
        name="is_active"
        defaultChecked={method?.is_active ?? true}
      />
      <div className="actions">
        <Button type="submit" busy={save.isPending}>
          {method ? 'Save method' : 'Add method'}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function MethodItem({ method, onEdit }: { method: VendorShippingMethod; onEdit: () => void }) {
  const save = useSaveShippingMethod();
  const remove = useDeleteShippingMethod();
  const [confirming, setConfirming] = useState(false);
  const active = method.is_active ?? true;
  const countries = method.countries ?? [];
  return (
    <li className="list__item method-row" aria-label={method.name}>
      <div>
        <p className="section-head">
          <strong>{method.name}</strong>
          <span className={`badge badge--${active ? 'approved' : 'inactive'}`}>
            {active ? 'Active' : 'Inactive'}
          </span>
        </p>
        <p className="muted">
          <code>{method.code}</code> · <Price amount={method.price} currency={method.currency} />
          {method.free_above ? (
            <>
              , free from <Price amount={method.free_above} currency={method.currency} />
            </>
          ) : null}{' '}
          · {deliveryEstimate(method.delivery_days_min, method.delivery_days_max)} · ships to{' '}
          {countries.length ? countries.join(', ') : 'everywhere'}
        </p>
      </div>
      <div className="actions">
        <Button variant="secondary" onClick={onEdit}>
          Edit
        </Button>
        <Button
          variant="secondary"
          busy={save.isPending}
          onClick={() => save.mutate({ id: method.id, body: { is_active: !active } })}
        >
          {active ? 'Deactivate' : 'Activate'}
        </Button>
        {confirming ? (
          <>
            <Button
              variant="danger"
              busy={remove.isPending}
              onClick={() => remove.mutate(method.id)}
            >
              Delete {method.name} for good
            </Button>
            <Button variant="ghost" onClick={() => setConfirming(false)}>
              Keep it
            </Button>
          </>
        ) : (
          <Button variant="ghost" onClick={() => setConfirming(true)}>
            Delete
          </Button>
        )}
      </div>
      {save.isError ? <ErrorMessage error={save.error} /> : null}
      {remove.isError ? <ErrorMessage error={remove.error} /> : null}
    </li>
  );
}

function PlatformNote() {
  const platform = usePlatformShippingMethods();
  const methods = platform.data ?? [];
  return (
    <Notice>
      You have no active shipping method of your own, so shoppers see the platform&apos;s
      {methods.length ? (
        <>
          :{' '}
          {methods.map((method, index) => (
            <span key={method.code}>
              {index ? ', ' : ''}
              {method.name} <Price amount={method.price} currency={method.currency} />
            </span>
          ))}
        </>
      ) : null}
      . Add your own to set your prices, zones and delivery times.
    </Notice>
  );
}

function Methods() {
  const methods = useVendorShippingMethods();
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const list = methods.data ?? [];
  const anyActive = list.some((method) => method.is_active ?? true);
  return (
    <section className="stack" aria-labelledby="vs-heading">
      <div className="section-head">
        <h2 id="vs-heading">Shipping methods</h2>
        {editing === null ? <Button onClick={() => setEditing('new')}>New method</Button> : null}
      </div>
      <p className="muted">
        Each of your parcels ships and is charged with one of your methods; the shipping a shopper
        pays is yours.
      </p>
      {methods.isPending ? (
        <Spinner label="Loading shipping methods…" />
      ) : methods.isError ? (
        <ErrorMessage error={methods.error} onRetry={() => void methods.refetch()} />
      ) : (
        <>
          {!anyActive ? <PlatformNote /> : null}
          {editing === 'new' ? <MethodForm onDone={() => setEditing(null)} /> : null}
          {list.length ? (
            <ul className="list" aria-label="Your shipping methods">
              {list.map((method) =>
                editing === method.id ? (
                  <li key={method.id}>
                    <MethodForm method={method} onDone={() => setEditing(null)} />
                  </li>
                ) : (
                  <MethodItem
                    key={method.id}
                    method={method}
                    onEdit={() => setEditing(method.id)}
                  />
                ),
              )}
            </ul>
          ) : null}
        </>
      )}
    </section>
  );
}

function PoliciesForm({ policies }: { policies: VendorPolicies }) {
  const save = useSavePolicies();
  const form = useFormErrors();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = form.validate(policiesSchema, readForm(event.currentTarget));
    if (!values) return;
    save.mutate(values, {
      onError: (error) => form.showApiError(error, ['handling_days', 'return_window_days']),
    });
  };
  return (
    <form className="panel stack" onSubmit={onSubmit} noValidate aria-label="Policies">
      <ErrorMessage error={form.formError} />
      <div className="row row--top">
        <TextField
          label="Handling time (days)"
          name="handling_days"
          type="number"
          min={1}
          max={60}
          required
          defaultValue={policies.handling_days}
          error={form.errors.handling_days}
          hint="Ship a paid order within this; later ones are flagged to you and staff."
        />
        <TextField
          label="Return window (days)"
          name="return_window_days"
          type="number"
          min={14}
          max={365}
          required
          defaultValue={policies.return_window_days}
          error={form.errors.return_window_days}
          hint="From shipment; at least the legal 14 days."
        />
      </div>
      {save.isSuccess ? <Notice tone="success">Policies saved.</Notice> : null}
      <div className="actions">
        <Button type="submit" busy={save.isPending}>
          Save policies
        </Button>
      </div>
    </form>
  );
}

function Policies() {
  const policies = useVendorPolicies();
  return (
    <section className="stack" aria-labelledby="vpol-heading">
      <h2 id="vpol-heading">Policies</h2>
      {policies.isPending ? (
        <Spinner label="Loading policies…" />
      ) : policies.isError ? (
        <ErrorMessage error={policies.error} onRetry={() => void policies.refetch()} />
      ) : (
        <PoliciesForm policies={policies.data} />
      )}
    </section>
  );
}

export function VendorShippingPage() {
  useDocumentTitle('Shipping');
  return (
    <div className="stack-lg">
      <Methods />
      <Policies />
    </div>
  );
}
