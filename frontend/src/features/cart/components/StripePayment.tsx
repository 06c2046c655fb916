import { Elements, PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import { loadStripe, type Stripe } from '@stripe/stripe-js';
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';

const stripePromises = new Map<string, Promise<Stripe | null>>();

type Props = {
  publishableKey: string;
  clientSecret: string;
  returnUrl: string;
  onPaid: () => void;
};

function PaymentForm({ returnUrl, onPaid }: Pick<Props, 'returnUrl' | 'onPaid'>) {
  const stripe = useStripe();
  const elements = useElements();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!stripe || !elements) return;
    setBusy(true);
    setError(null);
    // Cards that need 3-D Secure redirect to returnUrl; the rest resolve here.
    const result = await stripe.confirmPayment({
      elements,
      confirmParams: { return_url: returnUrl },
      redirect: 'if_required',
    });
    setBusy(false);
    if (result.error) setError(result.error.message ?? 'Your payment could not be completed.');
    else onPaid();
  };

  return (
    <form onSubmit={onSubmit} className="stack" aria-label="Card payment">
      <PaymentElement />
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
      <Button type="submit" busy={busy} disabled={!stripe}>
        Pay now
      </Button>
    </form>
  );
}

export default function StripePayment({ publishableKey, clientSecret, returnUrl, onPaid }: Props) {
  let stripe = stripePromises.get(publishableKey);
  if (!stripe) {
    stripe = loadStripe(publishableKey);
    stripePromises.set(publishableKey, stripe);
  }
  return (
    <Elements stripe={stripe} options={{ clientSecret }}>
      <PaymentForm returnUrl={returnUrl} onPaid={onPaid} />
    </Elements>
  );
}
