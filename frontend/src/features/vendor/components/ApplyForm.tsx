import type { FormEvent } from 'react';
import { ErrorMessage } from '@/components/ui/Feedback';
import { Button } from '@/components/ui/Button';
import { TextAreaField, TextField } from '@/components/ui/Field';
import { isApiError } from '@/lib/errors';
import { readForm, useFormErrors } from '@/lib/forms';
import { useApplyVendor } from '../api/vendor';
import { applySchema } from '../api/schemas';

export function ApplyForm({ defaultEmail }: { defaultEmail?: string | undefined }) {
  const apply = useApplyVendor();
  const form = useFormErrors();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = form.validate(applySchema, readForm(event.currentTarget));
    if (!values) return;
    apply.mutate(values, {
      onError: (error) => {
        if (isApiError(error) && error.status === 409) {
          form.setErrors({});
          form.setFormError('You already have a vendor account.');
        } else {
          form.showApiError(error, ['name', 'description', 'contact_email']);
        }
      },
    });
  };

  return (
    <section className="narrow stack" aria-labelledby="apply-heading">
      <h2 id="apply-heading">Become a vendor</h2>
      <p>Tell us about your shop. Our team reviews every application, usually within a day.</p>
      <form className="stack" onSubmit={onSubmit} noValidate aria-label="Vendor application">
        <ErrorMessage error={form.formError} />
        <TextField label="Shop name" name="name" required error={form.errors.name} />
        <TextAreaField
          label="What do you sell?"
          name="description"
          rows={4}
          required
          error={form.errors.description}
        />
        <TextField
          label="Contact email"
          name="contact_email"
          type="email"
          required
          defaultValue={defaultEmail}
          error={form.errors.contact_email}
        />
        <Button type="submit" busy={apply.isPending}>
          Apply
        </Button>
      </form>
    </section>
  );
}
