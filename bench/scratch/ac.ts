import { spawn } from "node:child_process";
import autocannon from "autocannon";
const srv = spawn(process.execPath, ["-e", `require("http").createServer((q,s)=>{q.on("data",()=>{});q.on("end",()=>{s.setHeader("content-type","text/xml");s.end("<ok>"+"x".repeat(1200)+"</ok>")})}).listen(39124)`], { stdio: "inherit" });
await new Promise((r) => setTimeout(r, 500));
const body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&" + "x".repeat(1500);
const bodies = Array.from({length:16},(_, i)=>body+i);
const run = (o: any) => new Promise<any>((res, rej) => autocannon({ url: "http://127.0.0.1:39124", connections: 32, duration: 4, ...o }, (e: any, r: any) => (e ? rej(e) : res(r))));
let i=0;
const variants: Record<string, any> = {
  setup_onresponse: { requests: [{ method: "POST", path: "/sts", headers: { "content-type": "application/x-www-form-urlencoded" }, setupRequest: (r: any) => ({ ...r, body: bodies[i++ % 16] }), onResponse: () => {} }] },
  setup_only: { requests: [{ method: "POST", path: "/sts", headers: { "content-type": "application/x-www-form-urlencoded" }, setupRequest: (r: any) => ({ ...r, body: bodies[i++ % 16] }) }] },
  static16: { requests: bodies.map((b) => ({ method: "POST", path: "/sts", headers: { "content-type": "application/x-www-form-urlencoded" }, body: b })) },
};
for (const [name, o] of Object.entries(variants)) {
  const c0 = process.cpuUsage();
  const r = await run(o);
  const c = process.cpuUsage(c0);
  console.log(name, Math.round(r.requests.average), "req/s", (((c.user + c.system) / 1000) / r["2xx"]).toFixed(4), "ms CPU/req");
}
srv.kill();
