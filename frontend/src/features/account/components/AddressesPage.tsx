import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { EmptyState, ErrorMessage, Spinner } from '@/components/ui/Feedback';
import { AddressFields } from '@/components/ui/AddressFields';
import { TextField } from '@/components/ui/Field';
import { readForm, useFormErrors } from '@/lib/forms';
import { useDocumentTitle } from '@/lib/hooks';
import {
  ADDRESS_FIELDS,
  addressSchema,
  useAddresses,
  useDeleteAddress,
  useSaveAddress,
  type Address,
} from '../api/account';

export function AddressForm({
  address,
  onDone,
}: {
  address?: Address | undefined;
  onDone: () => void;
}) {
  const save = useSaveAddress();
  const form = useFormErrors();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = form.validate(addressSchema, readForm(event.currentTarget));
    if (!values) return;
    save.mutate(
      { id: address?.id, values },
      { onSuccess: onDone, onError: (error) => form.showApiError(error, ADDRESS_FIELDS) },
    );
  };

  const e = form.errors;
  return (
    <form
      className="stack panel"
      onSubmit={onSubmit}
      noValidate
      aria-label={address ? 'Edit address' : 'New address'}
    >
      <ErrorMessage error={form.formError} />
      <AddressFields
        values={address}
        errors={e}
        country={
          <TextField
            label="Country code"
            name="country"
            autoComplete="country"
            required
            maxLength={2}
            defaultValue={address?.country ?? 'DE'}
            hint="Two letters, e.g. DE"
            error={e.country}
          />
        }
      />
      <div className="row">
        <Button type="submit" busy={save.isPending}>
          Save address
        </Button>
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

export function AddressesPage() {
  useDocumentTitle('Your addresses');
  const addresses = useAddresses();
  const remove = useDeleteAddress();
  const [editing, setEditing] = useState<number | 'new' | null>(null);

  return (
    <section className="stack" aria-labelledby="addresses-heading">
      <div className="section-head">
        <h2 id="addresses-heading">Addresses</h2>
        {editing === null ? <Button onClick={() => setEditing('new')}>Add address</Button> : null}
      </div>
      {editing === 'new' ? <AddressForm onDone={() => setEditing(null)} /> : null}
      {remove.isError ? <ErrorMessage error={remove.error} /> : null}
      {addresses.isPending ? (
        <Spinner label="Loading addresses…" />
      ) : addresses.isError ? (
        <ErrorMessage error={addresses.error} onRetry={() => void addresses.refetch()} />
      ) : addresses.data.length === 0 && editing !== 'new' ? (
        <EmptyState title="No saved addresses">Add one to check out faster.</EmptyState>
      ) : (
        <ul className="list" aria-label="Saved addresses">
          {addresses.data.map((address) => (
            <li key={address.id} className="list__item list__item--block">
              {editing === address.id ? (
                <AddressForm address={address} onDone={() => setEditing(null)} />
              ) : (
                <>
                  <address>
                    {address.full_name}
                    <br />
                    {address.line1}
                    {address.line2 ? (
                      <>
                        <br />
                        {address.line2}
                      </>
                    ) : null}
                    <br />
                    {address.postal_code} {address.city}, {address.country}
                  </address>
                  <div className="row">
                    <Button
                      variant="secondary"
                      onClick={() => setEditing(address.id)}
                      aria-label={`Edit address of ${address.full_name}, ${address.line1}`}
                    >
                      Edit
                    </Button>
                    <Button
                      variant="danger"
                      busy={remove.isPending && remove.variables === address.id}
                      onClick={() => {
                        if (window.confirm('Delete this address?')) remove.mutate(address.id);
                      }}
                      aria-label={`Delete address of ${address.full_name}, ${address.line1}`}
                    >
                      Delete
                    </Button>
                  </div>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
