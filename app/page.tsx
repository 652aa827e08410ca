export default function Home() {
  return <main className="p-6 text-xl font-semibold">LVS Fleet</main>;
}
