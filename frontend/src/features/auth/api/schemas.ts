import { z } from 'zod';

const email = z.string().trim().pipe(z.email('Enter a valid email address.'));

export const loginSchema = z.object({
  email,
  password: z.string().min(1, 'Enter your password.'),
});

export const registerSchema = z
  .object({
    first_name: z.string().trim().max(150).optional(),
    last_name: z.string().trim().max(150).optional(),
    email,
    password: z.string().min(10, 'Use at least 10 characters.'),
    password_confirm: z.string(),
  })
  .refine((value) => value.password === value.password_confirm, {
    path: ['password_confirm'],
    message: 'The passwords do not match.',
  });

export const forgotPasswordSchema = z.object({ email });

export const newPasswordSchema = z
  .object({
    password: z.string().min(10, 'Use at least 10 characters.'),
    password_confirm: z.string(),
  })
  .refine((value) => value.password === value.password_confirm, {
    path: ['password_confirm'],
    message: 'The passwords do not match.',
  });
