import { useId, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '@/components/ui/Button';
import { ErrorMessage, Notice } from '@/components/ui/Feedback';
import { isApiError } from '@/lib/errors';
import { humanize } from '@/lib/format';
import { useDocumentTitle } from '@/lib/hooks';
import { isImportActive, useImportJob, useStartImport, type ImportJob } from '../api/vendor';

function Progress({ job }: { job: ImportJob }) {
  const total = job.total_rows ?? 0;
  const done = job.processed_rows ?? 0;
  const active = isImportActive(job);
  return (
    <section
      className="stack panel"
      aria-labelledby="import-status"
      aria-busy={active || undefined}
    >
      <h3 id="import-status">
        Import #{job.id}:{' '}
        <span className={`badge badge--${job.status}`}>{humanize(job.status)}</span>
      </h3>
      <label className="stack">
        <span aria-live="polite">
          {total
            ? `${done} of ${total} rows processed`
            : active
              ? 'Waiting for the import to start…'
              : `${done} rows processed`}
        </span>
        {total ? <progress max={total} value={done} /> : <progress aria-label="Import progress" />}
      </label>
      {!active ? (
        <p>
          {job.created ?? 0} created, {job.updated ?? 0} updated
          {job.errors?.length ? `, ${job.errors.length} rows with problems` : ''}.
        </p>
      ) : null}
      {job.errors?.length ? (
        <table className="table">
          <caption>Rows that could not be imported</caption>
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {job.errors.map((error, index) => (
              <tr key={`${error.row}-${index}`}>
                <td>{error.row}</td>
                <td>{error.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/** The import id of a `?job=` parameter: a positive whole number, else none. */
function jobFromParam(value: string | null): number | null {
  if (!value || !/^\d+$/.test(value)) return null;
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export function ImportPage() {
  useDocumentTitle('Import products');
  const start = useStartImport();
  const inputId = useId();
  // The import shown is the address's (?job=<id>: the "import finished" email links to its
  // report); a new upload puts its own id there.
  const [params, setParams] = useSearchParams();
  const jobId = jobFromParam(params.get('job'));
  const [problem, setProblem] = useState<string | null>(null);
  const job = useImportJob(jobId);
  const fileInput = useRef<HTMLInputElement>(null);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const file = fileInput.current?.files?.[0];
    if (!file) {
      setProblem('Choose a CSV file to import.');
      return;
    }
    if (!/\.csv$/i.test(file.name) && file.type !== 'text/csv') {
      setProblem('The file must be a CSV.');
      return;
    }
    setProblem(null);
    start.mutate(file, {
      onSuccess: (created) => setParams({ job: String(created.id) }),
      // Why the file was refused (its header, its size, its encoding), next to the field.
      onError: (error) => {
        const reasons = isApiError(error) ? error.fieldErrors.file : undefined;
        if (reasons?.length) setProblem(reasons.join(' '));
      },
    });
  };

  return (
    <section className="stack" aria-labelledby="import-heading">
      <h2 id="import-heading">Import products from CSV</h2>
      <p className="muted">
        One row per option. The header row names these columns, in any order:{' '}
        <code>
          sku, product_name, variant_name, price, stock, category, description, attributes
        </code>
        . Rows with an existing SKU update it.
      </p>
      <form className="stack panel" onSubmit={onSubmit} noValidate aria-label="CSV import">
        <div className="field">
          <label htmlFor={inputId} className="field__label">
            CSV file
          </label>
          <input
            ref={fileInput}
            id={inputId}
            name="file"
            type="file"
            accept=".csv,text/csv"
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? `${inputId}-error` : undefined}
          />
          {problem ? (
            <p className="field__error" id={`${inputId}-error`}>
              {problem}
            </p>
          ) : null}
        </div>
        <div>
          <Button
            type="submit"
            busy={start.isPending}
            disabled={Boolean(job.data && isImportActive(job.data))}
          >
            Start import
          </Button>
        </div>
      </form>
      {start.isError ? <ErrorMessage error={start.error} /> : null}
      {job.isError ? <ErrorMessage error={job.error} /> : null}
      {job.data ? (
        <Progress job={job.data} />
      ) : jobId !== null ? (
        <Notice>Import queued…</Notice>
      ) : null}
    </section>
  );
}
