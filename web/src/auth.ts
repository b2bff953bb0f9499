// The sign-in helpers live in auth/ (login, second factor, enrolment); pages import them from here too.
export * from './auth/auth.ts';
