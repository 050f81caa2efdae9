import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { describe, type Problem } from "../api/client";
import { Link } from "../app/Link";
import { navigate } from "../app/router";
import { register, signIn } from "../session/session";
import { Field } from "./Field";

function formMessage(problem: Problem | null): string | null {
  if (!problem) return null;
  if (problem.status === 401) return "That e-mail address and password do not match an account.";
  if (problem.status === 400 && problem.errors) return "Please correct the fields marked below.";
  if (problem.status === 409) return "An account with this e-mail address already exists. Sign in instead.";
  return describe(problem);
}

function AuthLayout(props: { title: string; children: ComponentChildren }) {
  return (
    <main class="auth" id="main">
      <div class="auth-card">
        <p class="brand brand-large" aria-hidden="true">
          Cumin
        </p>
        <h1>{props.title}</h1>
        {props.children}
      </div>
    </main>
  );
}

/**
 * The form of either screen: busy while its request runs, then the request's problem above the fields (one that never
 * reached Cumin says so), and on success what the screen does next.
 */
function AuthForm(props: { send: () => Promise<Problem | null>; onSent: () => void; submit: string; submitting: string; fields: (problem: Problem | null) => ComponentChildren }) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const message = formMessage(problem);
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const failed = await props.send().catch(() => ({ status: 0, title: "Cumin cannot be reached." }) as Problem);
        setBusy(false);
        setProblem(failed);
        if (!failed) props.onSent();
      }}
    >
      {message && (
        <p class="form-error" role="alert">
          {message}
        </p>
      )}
      {props.fields(problem)}
      <button class="button primary wide" type="submit" disabled={busy}>
        {busy ? props.submitting : props.submit}
      </button>
    </form>
  );
}

/** Sign in; stays on the URL that was asked for, so a deep link opens once signed in. */
export function SignInScreen(props: { returnTo: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  return (
    <AuthLayout title="Sign in to Cumin">
      <AuthForm
        send={() => signIn(email.trim(), password)}
        onSent={() => {
          if (props.returnTo === "/signin" || props.returnTo === "/register") navigate("/", { replace: true });
        }}
        submit="Sign in"
        submitting="Signing in…"
        fields={(problem) => (
          <>
            <Field id="signin-email" label="E-mail" name="email" type="email" autoComplete="username" required value={email} onInput={setEmail} problem={problem} />
            <Field id="signin-password" label="Password" name="password" type="password" autoComplete="current-password" required value={password} onInput={setPassword} problem={problem} />
          </>
        )}
      />
      <p class="muted">
        New to Cumin? <Link href="/register">Create an account</Link>
      </p>
    </AuthLayout>
  );
}

export function RegisterScreen() {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  return (
    <AuthLayout title="Create your Cumin account">
      <AuthForm
        send={() => register(name.trim(), email.trim(), password)}
        onSent={() => navigate("/", { replace: true })}
        submit="Create account"
        submitting="Creating your account…"
        fields={(problem) => (
          <>
            <Field id="register-name" label="Name" name="name" autoComplete="name" required maxLength={100} value={name} onInput={setName} problem={problem} />
            <Field id="register-email" label="E-mail" name="email" type="email" autoComplete="username" required value={email} onInput={setEmail} problem={problem} />
            <Field
              id="register-password"
              label="Password (at least 8 characters)"
              name="password"
              type="password"
              autoComplete="new-password"
              required
              value={password}
              onInput={setPassword}
              problem={problem}
            />
          </>
        )}
      />
      <p class="muted">
        Already have an account? <Link href="/signin">Sign in</Link>
      </p>
    </AuthLayout>
  );
}
