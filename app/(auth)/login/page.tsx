import { Suspense } from "react";
import { LoginForm } from "@/components/auth/login-form.tsx";

export const metadata = { title: "Sign in" };

export default function LoginPage() {
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-semibold">Sign in</h1>
      {/* useSearchParams (the page to return to) needs a Suspense boundary */}
      <Suspense>
        <LoginForm />
      </Suspense>
    </div>
  );
}
