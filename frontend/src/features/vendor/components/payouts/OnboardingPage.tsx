import { useNavigate, useSearchParams } from 'react-router';
import { Button } from '@/components/ui/Button';
import { ErrorMessage, Notice } from '@/components/ui/Feedback';
import { useDocumentTitle } from '@/lib/hooks';
import { useCompleteTestOnboarding } from '@/features/vendor/api/payouts';

/**
 * The dummy payout provider's onboarding (local runs and tests): where Stripe would collect the
 * vendor's identity and bank details, this page completes onboarding with one button.
 */
export function OnboardingPage() {
  useDocumentTitle('Payout onboarding');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const complete = useCompleteTestOnboarding();
  const account = params.get('account') ?? '';
  const onComplete = () =>
    complete.mutate(account, {
      onSuccess: () => void navigate('/vendor/payouts?onboarding=return'),
    });
  return (
    <section className="panel stack narrow" aria-labelledby="onboarding-heading">
      <h2 id="onboarding-heading">Payout onboarding</h2>
      <Notice tone="warning">
        Test mode: no real payout provider is connected. A live shop sends you to Stripe here to
        give your identity and bank details.
      </Notice>
      <p>
        Account <code>{account || 'unknown'}</code>
      </p>
      <Button onClick={onComplete} busy={complete.isPending} disabled={!account}>
        Complete test onboarding
      </Button>
      {complete.isError ? <ErrorMessage error={complete.error} /> : null}
    </section>
  );
}
