import { TimeZoneSetting } from "@/components/account/time-zone-setting.tsx";
import { ApiTokens } from "@/components/auth/api-tokens.tsx";

export const metadata = { title: "Your account" };

export default function AccountPage() {
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-semibold">Your account</h1>
      <TimeZoneSetting />
      <ApiTokens />
    </div>
  );
}
