// Passwords reach the CLI only through standard input, never argv (visible in `ps` and shell
// history). On a terminal: prompt on stderr without echo, twice. From a pipe: the first line.
import { createInterface } from "node:readline";
import { CliError } from "./context.ts";

export async function readPassword(prompt = "New password: "): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) {
    const first = await readHidden(prompt);
    const again = await readHidden("Repeat password: ");
    if (first !== again) throw new CliError("the passwords do not match");
    return nonEmpty(first);
  }
  return nonEmpty(await readLine(stdin));
}

function nonEmpty(p: string): string {
  if (!p) throw new CliError("no password given on standard input");
  return p;
}

/** The first line of a stream (without its line ending); "" when the stream ends first. */
export function readLine(input: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input, terminal: false, crlfDelay: Infinity });
    let done = false;
    rl.once("line", (line) => {
      done = true;
      rl.close();
      resolve(line);
    });
    rl.once("close", () => done || resolve(""));
    input.once("error", reject);
  });
}

/** Raw-mode read on a TTY: no echo; Enter ends, Backspace edits, Ctrl-C / Ctrl-D abort. */
function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = "";
    const finish = (err?: Error) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n") return finish();
        if (ch === "\u0003" || ch === "\u0004") return finish(new CliError("cancelled", 130));
        if (ch === "\u007f" || ch === "\b") value = [...value].slice(0, -1).join("");
        else if (ch >= " ") value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on("data", onData);
  });
}
