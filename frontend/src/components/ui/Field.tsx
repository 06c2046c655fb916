import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';

type Common = { label: ReactNode; error?: string | undefined; hint?: ReactNode };

function useFieldIds(id: string | undefined, error?: string, hint?: ReactNode) {
  const generated = useId();
  const inputId = id ?? generated;
  const errorId = `${inputId}-error`;
  const hintId = `${inputId}-hint`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ');
  return { inputId, errorId, hintId, describedBy: describedBy || undefined };
}

function FieldMessages({
  error,
  hint,
  errorId,
  hintId,
}: {
  error?: string | undefined;
  hint?: ReactNode;
  errorId: string;
  hintId: string;
}) {
  return (
    <>
      {hint ? (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      ) : null}
    </>
  );
}

/** What every field's control carries: its id and the accessible links to its error and hint. */
type ControlProps = {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
};

function useControl(id: string | undefined, error?: string, hint?: ReactNode) {
  const ids = useFieldIds(id, error, hint);
  const control: ControlProps = {
    id: ids.inputId,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': ids.describedBy,
  };
  const messages = (
    <FieldMessages error={error} hint={hint} errorId={ids.errorId} hintId={ids.hintId} />
  );
  return { control, messages };
}

type FieldAttrs = {
  id?: string | undefined;
  className?: string | undefined;
  required?: boolean | undefined;
};

/** A labelled field: the label (starred when required) above the control, its hint and error below.
 * ``control`` draws the control from its ids and the caller's other attributes. */
function LabelledField<A extends FieldAttrs>({
  field,
  control,
}: {
  field: Common & A;
  control: (
    ids: ControlProps,
    attrs: Omit<Common & A, keyof Common | 'id' | 'className'>,
  ) => ReactNode;
}) {
  const { label, error, hint, id, className, ...attrs } = field;
  const { control: ids, messages } = useControl(id, error, hint);
  return (
    <div className={['field', className].filter(Boolean).join(' ')}>
      <label className="field__label" htmlFor={ids.id}>
        {label}
        {field.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {control(ids, attrs)}
      {messages}
    </div>
  );
}

export function TextField(field: Common & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <LabelledField
      field={field}
      control={(ids, attrs) => <input {...ids} className="field__control" {...attrs} />}
    />
  );
}

export function TextAreaField(field: Common & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <LabelledField
      field={field}
      control={(ids, attrs) => <textarea {...ids} className="field__control" {...attrs} />}
    />
  );
}

export function SelectField(field: Common & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <LabelledField
      field={field}
      control={(ids, attrs) => <select {...ids} className="field__control" {...attrs} />}
    />
  );
}

export function CheckboxField({
  label,
  error,
  hint,
  id,
  className,
  ...input
}: Common & InputHTMLAttributes<HTMLInputElement>) {
  const { control, messages } = useControl(id, error, hint);
  return (
    <div className={['field field--checkbox', className].filter(Boolean).join(' ')}>
      <input {...control} type="checkbox" {...input} />
      <label htmlFor={control.id}>{label}</label>
      {messages}
    </div>
  );
}

/** The email address of sign-in, sign-up, recovery and checkout forms. */
export function EmailField(field: Omit<Common, 'label'> & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <TextField label="Email" name="email" type="email" autoComplete="email" required {...field} />
  );
}

/** A new password and its confirmation (``<name>_confirm``), with the length rule as the hint. */
export function NewPasswordFields({
  name = 'password',
  label = 'Password',
  errors,
}: {
  name?: string;
  label?: string;
  errors: Partial<Record<string, string>>;
}) {
  return (
    <>
      <TextField
        label={label}
        name={name}
        type="password"
        autoComplete="new-password"
        required
        hint="At least 10 characters."
        error={errors[name]}
      />
      <TextField
        label={`Confirm ${label.toLowerCase()}`}
        name={`${name}_confirm`}
        type="password"
        autoComplete="new-password"
        required
        error={errors[`${name}_confirm`]}
      />
    </>
  );
}
