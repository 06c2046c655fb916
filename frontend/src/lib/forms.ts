import { useCallback, useState } from 'react';
import { errorMessage, isApiError } from './errors';

export type FieldErrors = Record<string, string | undefined>;

type Issue = { path: PropertyKey[]; message: string };
type SafeParser<T> = {
  safeParse: (
    data: unknown,
  ) => { success: true; data: T } | { success: false; error: { issues: Issue[] } };
};

/**
 * Read a form into a plain object. Names with dots nest (`shipping_address.city`), so
 * one form can fill a nested API body; checkboxes become booleans.
 */
export function readForm(form: HTMLFormElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const setPath = (path: string, value: unknown) => {
    const parts = path.split('.');
    let node = out;
    parts.slice(0, -1).forEach((part) => {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    });
    node[parts[parts.length - 1] ?? path] = value;
  };
  for (const element of Array.from(form.elements)) {
    if (
      !(
        element instanceof HTMLInputElement ||
        element instanceof HTMLSelectElement ||
        element instanceof HTMLTextAreaElement
      ) ||
      !element.name ||
      element.disabled
    ) {
      continue;
    }
    if (element instanceof HTMLInputElement && element.type === 'checkbox') {
      setPath(element.name, element.checked);
    } else if (element instanceof HTMLInputElement && element.type === 'radio') {
      if (element.checked) setPath(element.name, element.value);
    } else if (element instanceof HTMLInputElement && element.type === 'file') {
      setPath(element.name, element.files?.[0] ?? null);
    } else {
      setPath(element.name, element.value);
    }
  }
  return out;
}

export function issuesToFieldErrors(issues: Issue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || 'form';
    errors[key] ??= issue.message;
  }
  return errors;
}

/**
 * Field errors from two sources — zod before sending, the API's `validation_error`
 * details after — shown in the same place next to each field.
 */
export function useFormErrors() {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const clear = useCallback(() => {
    setErrors({});
    setFormError(null);
  }, []);

  const validate = useCallback(<T>(schema: SafeParser<T>, values: unknown): T | null => {
    const result = schema.safeParse(values);
    if (result.success) {
      setErrors({});
      setFormError(null);
      return result.data;
    }
    setErrors(issuesToFieldErrors(result.error.issues));
    setFormError('Please correct the highlighted fields.');
    return null;
  }, []);

  /** Validates a submitted form's fields with `schema`; when they are invalid, focus moves to the
   * first field marked invalid, so a keyboard or screen-reader user lands on what to fix. */
  const validateForm = useCallback(
    <T>(schema: SafeParser<T>, element: HTMLFormElement): T | null => {
      const values = validate(schema, readForm(element));
      if (!values) element.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return values;
    },
    [validate],
  );

  /** Show an API failure: field errors next to their fields, the rest above the form. */
  const showApiError = useCallback((error: unknown, knownFields?: readonly string[]) => {
    if (isApiError(error) && error.code === 'validation_error') {
      const fieldErrors = error.fieldErrors;
      const next: FieldErrors = {};
      const leftovers: string[] = [];
      for (const [key, messages] of Object.entries(fieldErrors)) {
        const text = messages.join(' ');
        if (!knownFields || knownFields.includes(key)) next[key] = text;
        else leftovers.push(key === 'non_field_errors' ? text : `${key}: ${text}`);
      }
      setErrors(next);
      setFormError(leftovers.length ? leftovers.join(' ') : error.message || null);
      return;
    }
    setErrors({});
    setFormError(errorMessage(error));
  }, []);

  return {
    errors,
    formError,
    setErrors,
    setFormError,
    validate,
    validateForm,
    showApiError,
    clear,
  };
}
