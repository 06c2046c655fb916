import { useEffect, useId, useMemo, useState, type ChangeEvent, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Button } from '@/components/ui/Button';
import { ErrorMessage, Notice, Spinner } from '@/components/ui/Feedback';
import { SelectField, TextAreaField, TextField } from '@/components/ui/Field';
import { Img } from '@/components/ui/Image';
import { errorMessage, isApiError } from '@/lib/errors';
import { useFormErrors } from '@/lib/forms';
import { humanize } from '@/lib/format';
import { useDocumentTitle } from '@/lib/hooks';
import { checkImage, productSchema } from '../api/schemas';
import {
  useCreateProduct,
  useSubmitProduct,
  useUpdateProduct,
  useUploadImage,
  useVendorProduct,
  type VendorProduct,
} from '../api/vendor';
import { usePortal } from './context';

type VariantRow = {
  key: string;
  id?: number | undefined;
  sku: string;
  name: string;
  price: string;
  stock: string;
  /** The stock the server had when the form loaded it: sent as `expected_stock`, so saving
   * never puts back units sold while the vendor was editing. */
  loadedStock?: number | undefined;
};

type StockChange = { id: number; expected_stock: number; stock: number };

const rowFrom = (v: VendorProduct['variants'][number]) =>
  newRow({
    id: v.id,
    sku: v.sku,
    name: v.name,
    price: v.price,
    stock: String(v.stock),
    loadedStock: v.stock,
  });

let rowSeq = 0;
const newRow = (values: Partial<VariantRow> = {}): VariantRow => ({
  key: `row-${++rowSeq}`,
  sku: '',
  name: 'Default',
  price: '',
  stock: '0',
  ...values,
});

export function ProductFormPage() {
  const { id } = useParams();
  const productId = id && id !== 'new' ? Number(id) : null;
  const product = useVendorProduct(productId ?? 0);
  useDocumentTitle(productId ? 'Edit product' : 'New product');

  if (productId !== null && product.isPending) return <Spinner label="Loading product…" />;
  if (productId !== null && product.isError)
    return <ErrorMessage error={product.error} onRetry={() => void product.refetch()} />;
  return (
    <ProductForm
      key={product.data?.id ?? 'new'}
      product={productId !== null ? product.data : undefined}
    />
  );
}

function ProductForm({ product }: { product?: VendorProduct | undefined }) {
  const navigate = useNavigate();
  const { categories } = usePortal();
  const create = useCreateProduct();
  const update = useUpdateProduct(product?.id ?? 0);
  const form = useFormErrors();
  const [saved, setSaved] = useState(false);
  const [rows, setRows] = useState<VariantRow[]>(() =>
    product?.variants.length ? product.variants.map(rowFrom) : [newRow()],
  );
  const saving = create.isPending || update.isPending;
  const e = form.errors;

  const setRow = (key: string, field: keyof VariantRow, value: string) =>
    setRows((current) =>
      current.map((row) => (row.key === key ? { ...row, [field]: value } : row)),
    );

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const data = new FormData(event.currentTarget);
    const values = form.validate(productSchema, {
      name: String(data.get('name') ?? ''),
      description: String(data.get('description') ?? ''),
      category: String(data.get('category') ?? ''),
      variants: rows.map(({ id, sku, name, price, stock, loadedStock }) => ({
        ...(id ? { id } : {}),
        sku,
        name,
        price,
        stock,
        ...(id && loadedStock !== undefined ? { expected_stock: loadedStock } : {}),
      })),
    });
    if (!values) return;
    const fields = [
      'name',
      'description',
      'category',
      ...rows.flatMap((_, i) => ['sku', 'name', 'price', 'stock'].map((f) => `variants.${i}.${f}`)),
    ];
    if (product) {
      update.mutate(values, {
        onSuccess: (next) => {
          setSaved(true);
          setRows(next.variants.map(rowFrom));
        },
        onError: (error) => {
          if (isApiError(error) && error.code === 'stock_changed') {
            // Orders came in while the vendor edited: nothing was saved. Show the stock now and
            // compare against it on the next save (the vendor's number stays in the field).
            const changes = (error.details.variants ?? []) as StockChange[];
            const now = new Map(changes.map((c) => [c.id, c]));
            setRows((current) =>
              current.map((row) => {
                const change = row.id !== undefined ? now.get(row.id) : undefined;
                return change ? { ...row, loadedStock: change.stock } : row;
              }),
            );
            const fieldErrors: Record<string, string> = {};
            rows.forEach((row, index) => {
              const change = row.id !== undefined ? now.get(row.id) : undefined;
              if (change) {
                fieldErrors[`variants.${index}.stock`] =
                  `Now ${change.stock} in stock (${change.expected_stock} when you opened this page).`;
              }
            });
            form.setErrors(fieldErrors);
            form.setFormError(
              'Orders came in while you were editing, so the stock changed and nothing was saved. Check the stock and save again.',
            );
            return;
          }
          form.showApiError(error, fields);
        },
      });
    } else {
      create.mutate(values, {
        onSuccess: (created) =>
          navigate(`/vendor/products/${created.id}`, { replace: true, state: { created: true } }),
        onError: (error) => form.showApiError(error, fields),
      });
    }
  };

  return (
    <div className="vendor-form">
      <div className="section-head">
        <h2>{product ? product.name : 'New product'}</h2>
        {product ? (
          <span className={`badge badge--${product.status}`}>{humanize(product.status)}</span>
        ) : null}
      </div>
      {product?.status === 'rejected' ? (
        <div className="alert alert--warning" role="status">
          <strong>Not approved.</strong> {product.rejection_reason || 'No reason was given.'} Edit
          the product and submit it again.
        </div>
      ) : null}
      {product?.status === 'pending_review' ? (
        <Notice>This product is waiting for review by our team.</Notice>
      ) : null}
      {product && !product.actions.includes('edit') ? (
        <Notice>This product can no longer be edited.</Notice>
      ) : null}

      <form className="stack" onSubmit={onSubmit} noValidate aria-label="Product details">
        <ErrorMessage error={form.formError} />
        {saved ? <Notice tone="success">Changes saved.</Notice> : null}
        <TextField
          label="Product name"
          name="name"
          required
          defaultValue={product?.name}
          error={e.name}
        />
        <TextAreaField
          label="Description"
          name="description"
          rows={5}
          defaultValue={product?.description}
          error={e.description}
        />
        <SelectField
          label="Category"
          name="category"
          required
          defaultValue={product?.category ?? ''}
          error={e.category}
        >
          <option value="">Choose a category</option>
          {categories.map((c) => (
            <option key={c.slug} value={c.slug}>
              {c.label}
            </option>
          ))}
        </SelectField>

        <fieldset className="stack">
          <legend>Options and stock</legend>
          {e.variants ? <p className="field__error">{e.variants}</p> : null}
          <ol className="variant-rows">
            {rows.map((row, index) => (
              <li key={row.key} className="variant-row" aria-label={`Option ${index + 1}`}>
                <TextField
                  label="SKU"
                  value={row.sku}
                  onChange={(ev) => setRow(row.key, 'sku', ev.target.value)}
                  required
                  error={e[`variants.${index}.sku`]}
                />
                <TextField
                  label="Option name"
                  value={row.name}
                  onChange={(ev) => setRow(row.key, 'name', ev.target.value)}
                  required
                  error={e[`variants.${index}.name`]}
                />
                <TextField
                  label="Price"
                  inputMode="decimal"
                  value={row.price}
                  onChange={(ev) => setRow(row.key, 'price', ev.target.value)}
                  required
                  error={e[`variants.${index}.price`]}
                />
                <TextField
                  label="Stock"
                  type="number"
                  min={0}
                  value={row.stock}
                  onChange={(ev) => setRow(row.key, 'stock', ev.target.value)}
                  required
                  error={e[`variants.${index}.stock`]}
                />
                <Button
                  variant="ghost"
                  disabled={rows.length === 1}
                  onClick={() => setRows((current) => current.filter((r) => r.key !== row.key))}
                  aria-label={`Remove option ${index + 1}`}
                >
                  Remove
                </Button>
              </li>
            ))}
          </ol>
          <Button
            variant="secondary"
            onClick={() => setRows((current) => [...current, newRow({ name: '' })])}
          >
            Add option
          </Button>
        </fieldset>

        <div className="row">
          <Button type="submit" busy={saving}>
            {product ? 'Save changes' : 'Create product'}
          </Button>
          <Link to="/vendor/products">Back to products</Link>
        </div>
      </form>

      {product ? (
        <>
          {product.actions.includes('add_image') ? <ImageManager product={product} /> : null}
          <SubmitForReview product={product} />
        </>
      ) : (
        <p className="muted">Save the product to add images and submit it for review.</p>
      )}
    </div>
  );
}

function ImageManager({ product }: { product: VendorProduct }) {
  const upload = useUploadImage(product.id);
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const preview = useMemo(() => (file ? URL.createObjectURL(file) : null), [file]);
  // Object URLs hold the file in memory until revoked.
  useEffect(
    () => () => {
      if (preview) URL.revokeObjectURL(preview);
    },
    [preview],
  );

  const onChoose = (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0] ?? null;
    upload.reset();
    setProblem(chosen ? checkImage(chosen) : null);
    setFile(chosen);
  };

  const onUpload = () => {
    if (!file || problem) return;
    upload.mutate(file, {
      onSuccess: () => setFile(null),
    });
  };

  return (
    <section className="stack panel" aria-labelledby="images-heading">
      <h3 id="images-heading">Images</h3>
      {product.images.length ? (
        <ul className="thumbs" aria-label="Uploaded images">
          {product.images.map((image, index) => (
            <li key={image.id}>
              <Img
                src={image.thumbnail_url ?? image.url}
                alt={`Image ${index + 1} of ${product.name}`}
                width={96}
                height={96}
              />
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No images yet. Products with a photo sell better.</p>
      )}
      <div className="field">
        <label htmlFor={inputId} className="field__label">
          Add an image
        </label>
        <input
          id={inputId}
          type="file"
          accept="image/jpeg,image/png,image/webp"
          onChange={onChoose}
          aria-describedby={problem ? `${inputId}-hint ${inputId}-error` : `${inputId}-hint`}
          aria-invalid={problem ? true : undefined}
        />
        <p className="field__hint" id={`${inputId}-hint`}>
          JPEG, PNG or WebP, up to 10 MB.
          {product.status === 'approved'
            ? ' A new image is reviewed by our team: the product leaves the shop until it is approved again.'
            : null}
        </p>
        {problem ? (
          <p className="field__error" id={`${inputId}-error`} role="alert">
            {problem}
          </p>
        ) : null}
      </div>
      {preview && !problem ? (
        <figure className="preview">
          <img src={preview} alt="Preview of the chosen file" width={160} height={160} />
          <figcaption>{file?.name}</figcaption>
        </figure>
      ) : null}
      <div>
        <Button
          variant="secondary"
          disabled={!file || Boolean(problem)}
          busy={upload.isPending}
          onClick={onUpload}
        >
          Upload image
        </Button>
      </div>
      {upload.isError ? <ErrorMessage error={errorMessage(upload.error)} /> : null}
      {upload.isSuccess ? <Notice tone="success">Image uploaded.</Notice> : null}
    </section>
  );
}

function SubmitForReview({ product }: { product: VendorProduct }) {
  const submit = useSubmitProduct(product.id);
  if (!product.actions.includes('submit')) return null;
  return (
    <section className="stack panel" aria-labelledby="review-heading">
      <h3 id="review-heading">Ready to sell?</h3>
      <p className="muted">Our team checks every product before it is listed in the storefront.</p>
      <div>
        <Button busy={submit.isPending} onClick={() => submit.mutate()}>
          Submit for review
        </Button>
      </div>
      {submit.isError ? <ErrorMessage error={submit.error} /> : null}
    </section>
  );
}
