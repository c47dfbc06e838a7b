#!/usr/bin/env python3
"""Runs a GitHub Actions workflow on this machine, for trackbot's tests (test infrastructure only).

Usage:
  run_workflow.py WORKFLOW.yml --repo PATH --work DIR [--matrix KEY=V1,V2] [--env NAME=VALUE]
                  [--secret NAME=VALUE] [--input NAME=VALUE] [--action OWNER/NAME=DIR]
                  [--trackbot-bin DIR] [--github-repository OWNER/NAME] [--run-id N]

What it does, as GitHub does it:
- jobs run one at a time in `needs` order; a job whose `if:` is false (default: every needed job
  succeeded) is skipped; `strategy.matrix` expands into one job per combination, run one after
  another, all of them (`--matrix shard=1,2` replaces a key's values; `include`/`exclude` are not
  supported, fail-fast is not emulated); a job's `timeout-minutes` bounds each of its steps;
- each job gets a fresh workspace and RUNNER_TEMP under --work; `actions/checkout` of the user's
  repository clones --repo (a local repository, e.g. the bare "origin", so `git push origin` works);
- `run:` steps run with bash: `bash -e {0}` without `shell:`, and with `shell: bash` (also from
  `defaults.run.shell`) `bash --noprofile --norc -eo pipefail {0}`; GITHUB_ENV, GITHUB_PATH,
  GITHUB_OUTPUT and GITHUB_STEP_SUMMARY work; `continue-on-error`, `timeout-minutes` and
  `working-directory` are honoured; each job's summary is kept as --work/summary-JOB.md;
- `${{ … }}`: env.*, matrix.*, secrets.*, inputs.*, github.{workspace,run_id,run_attempt,
  event_name,repository,action_path}, runner.{temp,os}, strategy.{job-total,job-index}, steps.ID.outputs.*,
  steps.ID.{outcome,conclusion}, needs.JOB.result, string/number/boolean literals, ! && || == !=
  and always() success() failure() cancelled(). Anything else stops the run (exit 3).
- `uses:` is emulated: actions/checkout (of the user's repository; a checkout of another repository,
  trackbot's source, is skipped), actions/cache (nothing cached), actions/upload-artifact and
  actions/download-artifact (files copied through --work/artifacts/NAME). `uses: OWNER/NAME@REF`
  given as --action OWNER/NAME=DIR runs the composite action DIR/action.yml as GitHub does: its
  inputs (with: checked against the declared ones, defaults filled in), its steps (run: with their
  shell, if:, env:, id:; GITHUB_ACTION_PATH and github.action_path are DIR), and its outputs as the
  step's outputs. Other actions: exit 3.
- with --trackbot-bin DIR, TRACKBOT_BIN=DIR/trackbot is in every step's environment: the trackbot
  action's entrypoint then runs that binary instead of its pinned image (nothing else puts
  trackbot on PATH, so a workflow step that calls trackbot itself fails).

Nothing here opens a network connection; the workflow's own commands reach what the environment
points them at (GITHUB_API_URL defaults to an unused loopback port).
Exit status: 0 every job succeeded or was skipped (green), 1 a job failed (red), 3 unsupported.
"""
import argparse
import fnmatch
import glob
import itertools
import os
import re
import shutil
import subprocess
import sys

import yaml

class Unsupported(Exception):
    pass


# ---------------------------------------------------------------------------- expressions

TOKEN = re.compile(r"""\s*(?:
    (?P<str>'(?:[^']|'')*')
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<op>==|!=|&&|\|\||!|\(|\)|,)
  | (?P<name>[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*)
)""", re.X)


def tokenize(text):
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Unsupported(f"expression {text!r}: cannot read {text[pos:]!r}")
        pos = m.end()
        kind = m.lastgroup
        tokens.append((kind, m.group(kind)))
    return tokens


def truthy(v):
    return v not in (False, None, 0, "", 0.0)


def loose_equal(a, b):
    """Actions' ==: strings ignore case; a number and a numeric string compare as numbers."""
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return a == b


class Evaluator:
    """A recursive-descent reader of the expression subset above."""

    def __init__(self, lookup, status_ok):
        self.lookup = lookup          # "a.b.c" -> value (raises Unsupported)
        self.status_ok = status_ok    # success() of this step or job

    def evaluate(self, text):
        self.tokens, self.i = tokenize(text), 0
        value = self.or_()
        if self.i != len(self.tokens):
            raise Unsupported(f"expression {text!r}: unexpected {self.tokens[self.i][1]!r}")
        return value

    def peek(self):
        return self.tokens[self.i][1] if self.i < len(self.tokens) else None

    def take(self, expected=None):
        if self.i >= len(self.tokens):
            raise Unsupported("expression ends too early")
        kind, text = self.tokens[self.i]
        if expected is not None and text != expected:
            raise Unsupported(f"expected {expected!r}, found {text!r}")
        self.i += 1
        return kind, text

    def or_(self):
        v = self.and_()
        while self.peek() == "||":
            self.take()
            w = self.and_()
            v = v if truthy(v) else w
        return v

    def and_(self):
        v = self.eq()
        while self.peek() == "&&":
            self.take()
            w = self.eq()
            v = w if truthy(v) else v
        return v

    def eq(self):
        v = self.not_()
        while self.peek() in ("==", "!="):
            op = self.take()[1]
            w = self.not_()
            v = loose_equal(v, w) if op == "==" else not loose_equal(v, w)
        return v

    def not_(self):
        if self.peek() == "!":
            self.take()
            return not truthy(self.not_())
        return self.primary()

    def primary(self):
        kind, text = self.take()
        if text == "(":
            v = self.or_()
            self.take(")")
            return v
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind != "name":
            raise Unsupported(f"unexpected {text!r}")
        if text in ("true", "false"):
            return text == "true"
        if text == "null":
            return None
        if self.peek() == "(":
            functions = {"always": True, "cancelled": False,
                         "success": self.status_ok, "failure": not self.status_ok}
            if text not in functions:
                raise Unsupported(f"function {text}() is not supported")
            self.take("(")
            self.take(")")
            return functions[text]
        return self.lookup(text)


STATUS_FUNCTION = re.compile(r"\b(always|success|failure|cancelled)\s*\(")
SUBSTITUTION = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def as_text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return ""
    return str(v)


# ---------------------------------------------------------------------------- the run

class Run:
    def __init__(self, args):
        self.args = args
        with open(args.workflow) as f:
            self.workflow = yaml.safe_load(f)
        self.check_keys(self.workflow, {"name", True, "on", "run-name", "concurrency", "permissions", "env",
                                        "defaults", "jobs"}, "workflow")
        self.work = os.path.abspath(args.work)
        os.makedirs(self.work, exist_ok=True)
        self.artifacts = os.path.join(self.work, "artifacts")
        os.makedirs(self.artifacts, exist_ok=True)
        self.repo = os.path.abspath(args.repo)
        self.secrets = dict(pair(s, "--secret") for s in args.secret)
        self.runner_env = dict(pair(e, "--env") for e in args.env)
        self.matrix_override = {}
        for m in args.matrix:
            key, values = pair(m, "--matrix")
            self.matrix_override[key] = [int(v) if v.isdigit() else v for v in values.split(",")]
        on = self.workflow.get("on", self.workflow.get(True)) or {}
        dispatch = (on.get("workflow_dispatch") or {}) if isinstance(on, dict) else {}
        declared = dispatch.get("inputs") or {}
        given = dict(pair(i, "--input") for i in args.input)
        for name in given:
            if name not in declared:
                raise Unsupported(f"--input {name}: the workflow declares no such workflow_dispatch input")
        self.event = "workflow_dispatch" if given else "schedule"
        # On a schedule the inputs context is empty; a manual run gets the defaults.
        self.inputs = {name: given.get(name, (spec or {}).get("default", "") if given else "")
                       for name, spec in declared.items()}
        self.actions = dict(pair(a, "--action") for a in args.action)
        if args.trackbot_bin:
            self.runner_env["TRACKBOT_BIN"] = os.path.join(os.path.abspath(args.trackbot_bin), "trackbot")

    @staticmethod
    def check_keys(mapping, allowed, where):
        unknown = [k for k in mapping if k not in allowed]
        if unknown:
            raise Unsupported(f"{where}: {', '.join(map(str, unknown))} not supported by run_workflow.py")

    def github(self, workspace):
        return {"workspace": workspace, "run_id": self.args.run_id, "run_attempt": "1",
                "event_name": self.event, "repository": self.args.github_repository}

    # -- jobs

    def order(self):
        jobs = self.workflow["jobs"]
        done, order = set(), []
        while len(order) < len(jobs):
            ready = [j for j in jobs if j not in done and set(needs_of(jobs[j])) <= done]
            if not ready:
                raise Unsupported("jobs' needs form a cycle or name a missing job")
            for j in ready:
                order.append(j)
                done.add(j)
        return order

    def run(self):
        results = {}
        for job_id in self.order():
            job = self.workflow["jobs"][job_id]
            self.check_keys(job, {"name", "runs-on", "timeout-minutes", "permissions", "strategy", "needs", "if",
                                  "steps", "env", "defaults", "concurrency"}, f"job {job_id}")
            needs = {n: results[n] for n in needs_of(job)}
            combos = self.matrix(job_id, job)
            outcomes = []
            for index, combo in enumerate(combos):
                outcomes.append(self.run_job(job_id, job, combo, index, len(combos), needs))
            if "failure" in outcomes:
                results[job_id] = "failure"
            elif all(o == "skipped" for o in outcomes):
                results[job_id] = "skipped"
            else:
                results[job_id] = "success"
        red = "failure" in results.values()
        print("\n".join([""] + [f"job {j}: {r}" for j, r in results.items()]
                        + [f"workflow: {'red (a job failed)' if red else 'green'}"]), flush=True)
        return 1 if red else 0

    def matrix(self, job_id, job):
        strategy = job.get("strategy") or {}
        self.check_keys(strategy, {"matrix", "fail-fast", "max-parallel"}, f"job {job_id} strategy")
        matrix = dict(strategy.get("matrix") or {})
        for key in ("include", "exclude"):
            if key in matrix:
                raise Unsupported(f"job {job_id}: matrix {key} is not supported")
        for key, values in self.matrix_override.items():
            if matrix and key not in matrix:
                raise Unsupported(f"--matrix {key}: job {job_id}'s matrix has no such key")
            if key in matrix:
                matrix[key] = values
        if not matrix:
            return [{}]
        keys = list(matrix)
        return [dict(zip(keys, values)) for values in itertools.product(*(matrix[k] for k in keys))]

    def run_job(self, job_id, job, combo, index, total, needs):
        label = job_id + "".join(f" ({k}={v})" for k, v in combo.items())
        slug = job_id + "".join(f"-{k}{v}" for k, v in combo.items())
        root = os.path.join(self.work, "jobs", slug)
        if os.path.exists(root):
            raise Unsupported(f"{root} exists: give every run its own --work")
        workspace, temp = os.path.join(root, "workspace"), os.path.join(root, "temp")
        os.makedirs(workspace)
        os.makedirs(temp)
        print(f"\n=== job {label}", flush=True)
        state = {"env": {}, "steps": {}, "ok": True, "paths": [], "file_env": {},
                 "step_ids": {s["id"] for s in job.get("steps") or [] if "id" in s}}
        contexts = {
            "github": self.github(workspace), "secrets": self.secrets, "inputs": self.inputs, "matrix": combo,
            "runner": {"temp": temp, "os": "Linux"},
            "strategy": {"job-total": total, "job-index": index},
            "needs": {n: {"result": r} for n, r in needs.items()},
        }
        ok_needs = all(r == "success" for r in needs.values())
        condition = job.get("if")
        if not self.condition(condition, contexts, state, ok_needs, f"job {label} if"):
            print(f"--- skipped (if: {condition if condition is not None else 'success()'})", flush=True)
            return "skipped"

        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_", "ACTIONS_"))}
        gitconfig = os.path.join(temp, "gitconfig")
        open(gitconfig, "w").close()
        env.update({"CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": workspace,
                    "GITHUB_RUN_ID": str(self.args.run_id), "GITHUB_RUN_ATTEMPT": "1", "GITHUB_JOB": job_id,
                    "GITHUB_EVENT_NAME": self.event, "GITHUB_REPOSITORY": self.args.github_repository,
                    "GITHUB_API_URL": "http://127.0.0.1:9", "RUNNER_TEMP": temp, "RUNNER_OS": "Linux",
                    "GIT_CONFIG_GLOBAL": gitconfig, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"})
        env.update(self.runner_env)
        for k, v in (self.workflow.get("env") or {}).items():
            state["env"][k] = self.substitute(v, contexts, state, f"env.{k}")
        for k, v in (job.get("env") or {}).items():
            state["env"][k] = self.substitute(v, contexts, state, f"job {job_id} env.{k}")
        defaults = dict(((self.workflow.get("defaults") or {}).get("run")) or {})
        defaults.update(((job.get("defaults") or {}).get("run")) or {})
        timeout = job.get("timeout-minutes", 360)

        summary = os.path.join(self.work, f"summary-{slug}.md")
        for number, step in enumerate(job.get("steps") or [], 1):
            self.run_step(number, step, contexts, state, env, defaults, workspace, temp, timeout, summary)
        print(f"--- job {label}: {'success' if state['ok'] else 'failure'}", flush=True)
        return "success" if state["ok"] else "failure"

    def condition(self, text, contexts, state, status_ok, where):
        if text is None or text == "":
            return status_ok
        if isinstance(text, bool):
            return text and status_ok
        text = str(text).strip()
        m = re.fullmatch(r"\$\{\{(.*)\}\}", text, re.S)
        if m:
            text = m.group(1)
        if not STATUS_FUNCTION.search(text):
            text = f"success() && ({text})"
        return truthy(Evaluator(self.lookup(contexts, state, where), status_ok).evaluate(text))

    def lookup(self, contexts, state, where):
        def resolve(path):
            parts = path.split(".")
            root = parts[0]
            if root == "env":
                scope = state["env"]
            elif root == "steps":
                if len(parts) != 4 and not (len(parts) == 3 and parts[2] in ("outcome", "conclusion")):
                    raise Unsupported(f"{where}: {path} (steps.ID.outputs.NAME, steps.ID.outcome)")
                if parts[1] not in state["step_ids"]:
                    raise Unsupported(f"{where}: {path}: this job has no step with id {parts[1]}")
                step = state["steps"].get(parts[1])
                if step is None:
                    return ""  # not run (yet): Actions gives an empty value
                return step.get(parts[2], "") if len(parts) == 3 else step["outputs"].get(parts[3], "")
            elif root in contexts:
                scope = contexts[root]
            else:
                raise Unsupported(f"{where}: context {root} is not supported")
            if len(parts) != 2:
                if root == "needs" and len(parts) == 3 and parts[2] == "result" and parts[1] in scope:
                    return scope[parts[1]]["result"]
                raise Unsupported(f"{where}: {path} is not supported")
            name = parts[1]
            if name in scope:
                return scope[name]
            if root == "secrets":
                return ""  # an unset secret is empty, as on GitHub
            raise Unsupported(f"{where}: {path} is not defined here")
        return resolve

    def substitute(self, value, contexts, state, where, status_ok=True):
        if not isinstance(value, str):
            return as_text(value)
        evaluator = Evaluator(self.lookup(contexts, state, where), status_ok)
        return SUBSTITUTION.sub(lambda m: as_text(evaluator.evaluate(m.group(1))), value)

    # -- steps

    def run_step(self, number, step, contexts, state, env, defaults, workspace, temp, job_timeout, summary):
        self.check_keys(step, {"name", "id", "if", "uses", "with", "run", "env", "shell", "working-directory",
                               "continue-on-error", "timeout-minutes"}, f"step {number}")
        raw_name = step.get("name") or step.get("uses") or (step.get("run") or "").split("\n")[0]
        name = self.substitute(raw_name, contexts, state, f"step {number} name")
        step_id = step.get("id", f"__step{number}")
        if not self.condition(step.get("if"), contexts, state, state["ok"], f"step {name!r} if"):
            print(f"--- step {number}: {name}: skipped", flush=True)
            state["steps"][step_id] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
            return
        print(f"--- step {number}: {name}", flush=True)
        step_env = dict(state["env"])
        step_env.update(state["file_env"])
        for k, v in (step.get("env") or {}).items():
            step_env[k] = self.substitute(v, contexts, {**state, "env": step_env}, f"step {name!r} env.{k}")
        scoped = {**state, "env": step_env}
        full_env = dict(env)
        full_env.update(step_env)
        full_env["PATH"] = os.pathsep.join(list(reversed(state["paths"])) + [env.get("PATH", "")])
        files = {}
        for var in ("GITHUB_ENV", "GITHUB_PATH", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
            files[var] = os.path.join(temp, f"step{number}-{var.lower()}")
            open(files[var], "w").close()
            full_env[var] = files[var]

        action_outputs = {}
        try:
            if "uses" in step:
                with_ = {k: self.substitute(v, contexts, scoped, f"step {name!r} with.{k}")
                         for k, v in (step.get("with") or {}).items()}
                if step["uses"].split("@")[0] in self.actions:
                    success, action_outputs = self.composite(number, step["uses"], with_, contexts, scoped, env,
                                                             workspace, temp, job_timeout, summary)
                else:
                    success = self.action(step["uses"], with_, workspace, full_env)
            elif "run" in step:
                script = self.substitute(step["run"], contexts, scoped, f"step {name!r} run")
                success = self.shell(number, step, script, defaults, workspace, temp, full_env,
                                     step.get("timeout-minutes", job_timeout), contexts, scoped)
            else:
                raise Unsupported(f"step {name!r} has neither run nor uses")
        except subprocess.TimeoutExpired:
            print(f"    step timed out", flush=True)
            success = False

        outputs = read_pairs(files["GITHUB_OUTPUT"])
        outputs.update(action_outputs)
        state["file_env"].update(read_pairs(files["GITHUB_ENV"]))
        with open(files["GITHUB_PATH"]) as f:
            state["paths"] += [line.strip() for line in f if line.strip()]
        with open(files["GITHUB_STEP_SUMMARY"]) as f, open(summary, "a") as out:
            out.write(f.read())
        continue_on_error = self.substitute(step.get("continue-on-error", False), contexts, scoped,
                                            f"step {name!r} continue-on-error") == "true"
        outcome = "success" if success else "failure"
        conclusion = "success" if success or continue_on_error else "failure"
        state["steps"][step_id] = {"outputs": outputs, "outcome": outcome, "conclusion": conclusion}
        if not success:
            print(f"    step failed{' (continue-on-error)' if continue_on_error else ''}", flush=True)
        if conclusion == "failure":
            state["ok"] = False

    def shell(self, number, step, script, defaults, workspace, temp, env, minutes, contexts, scoped):
        shell = step.get("shell", defaults.get("shell"))
        if shell is None:
            argv = ["bash", "-e"]
        elif shell == "bash":
            argv = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]
        else:
            raise Unsupported(f"shell {shell!r} is not supported (bash only)")
        path = os.path.join(temp, f"step{number}.sh")
        with open(path, "w") as f:
            f.write(script)
        directory = step.get("working-directory", defaults.get("working-directory"))
        cwd = os.path.join(workspace, self.substitute(directory, contexts, scoped, "working-directory")) if directory else workspace
        return subprocess.run(argv + [path], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                              timeout=float(minutes) * 60).returncode == 0

    # -- actions

    def composite(self, number, uses, with_, contexts, scoped, env, workspace, temp, job_timeout, summary):
        """A composite action from --action: its steps run in this job, with their own steps context."""
        directory = os.path.abspath(self.actions[uses.split("@")[0]])
        with open(os.path.join(directory, "action.yml")) as f:
            action = yaml.safe_load(f)
        self.check_keys(action, {"name", "description", "author", "branding", "inputs", "outputs", "runs"}, uses)
        runs = action.get("runs") or {}
        if runs.get("using") != "composite":
            raise Unsupported(f"{uses}: runs.using {runs.get('using')!r} (composite only)")
        declared = action.get("inputs") or {}
        unknown = set(with_) - set(declared)
        if unknown:
            raise Unsupported(f"{uses}: with {', '.join(sorted(unknown))}: not an input of the action")
        inputs = {}
        for key, spec in declared.items():
            spec = spec or {}
            if key in with_:
                inputs[key] = with_[key]
            elif spec.get("required"):
                print(f"    ::error::{uses}: input {key} is required", flush=True)
                return False, {}
            else:
                inputs[key] = as_text(spec.get("default", ""))
        inner_contexts = {**contexts, "inputs": inputs, "github": {**contexts["github"], "action_path": directory}}
        steps = runs.get("steps") or []
        inner = {"env": dict(scoped["env"]), "steps": {}, "ok": True, "paths": scoped["paths"],
                 "file_env": scoped["file_env"], "step_ids": {s["id"] for s in steps if "id" in s}}
        inner_env = dict(env)
        inner_env["GITHUB_ACTION_PATH"] = directory
        for index, step in enumerate(steps, 1):
            if "run" in step and "shell" not in step:
                raise Unsupported(f"{uses}: step {index} has run: without shell: (composite actions need it)")
            self.run_step(f"{number}.{index}", step, inner_contexts, inner, inner_env, {}, workspace, temp,
                          job_timeout, summary)
        outputs = {key: self.substitute((spec or {}).get("value", ""), inner_contexts, inner, f"{uses} outputs.{key}")
                   for key, (spec) in (action.get("outputs") or {}).items()}
        return inner["ok"], outputs

    def action(self, uses, with_, workspace, env):
        name = uses.split("@")[0]
        if name == "actions/checkout":
            return self.checkout(with_, workspace, env)
        if name == "actions/cache":
            self.allow(with_, {"path", "key", "restore-keys"}, uses)
            print("    cache: nothing restored or saved (local run)", flush=True)
            return True
        if name == "actions/upload-artifact":
            return self.upload(with_, workspace, uses)
        if name == "actions/download-artifact":
            return self.download(with_, workspace, uses)
        raise Unsupported(f"uses: {uses} is not emulated")

    @staticmethod
    def allow(with_, keys, uses):
        unknown = set(with_) - keys
        if unknown:
            raise Unsupported(f"{uses}: with {', '.join(sorted(unknown))} is not supported")

    def checkout(self, with_, workspace, env):
        self.allow(with_, {"repository", "ref", "path", "fetch-depth", "persist-credentials"}, "actions/checkout")
        repository = with_.get("repository", "")
        if repository and repository != self.args.github_repository:
            print(f"    skipped: checkout of {repository} (not the user's repository)", flush=True)
            return True
        dest = os.path.join(workspace, with_.get("path", ""))
        if os.path.isdir(dest) and os.listdir(dest):
            raise Unsupported(f"actions/checkout into non-empty {dest}")
        # Every branch becomes origin/NAME, as fetch-depth: 0 gives; origin is --repo, so pushes reach it.
        command = ["git", "clone", "--quiet", "--no-hardlinks", self.repo, dest]
        if subprocess.run(command, env=env).returncode != 0:
            return False
        if with_.get("ref"):
            return subprocess.run(["git", "checkout", "--quiet", with_["ref"]], cwd=dest, env=env).returncode == 0
        return True

    def upload(self, with_, workspace, uses):
        self.allow(with_, {"name", "path", "if-no-files-found", "retention-days"}, uses)
        name = with_.get("name", "artifact")
        target = os.path.join(self.artifacts, name)
        if os.path.exists(target):
            print(f"    an artifact named {name} exists already in this run", flush=True)
            return False
        files = []
        for pattern in (line.strip() for line in with_.get("path", "").splitlines()):
            if not pattern:
                continue
            found = glob.glob(os.path.join(workspace, pattern), recursive=True)
            for match in found:
                if os.path.isdir(match):
                    files += [os.path.join(d, f) for d, _, fs in os.walk(match) for f in fs]
                else:
                    files.append(match)
        if not files:
            mode = with_.get("if-no-files-found", "warn")
            print(f"    {'::error' if mode == 'error' else '::warning'}::no files found for artifact {name}", flush=True)
            return mode != "error"
        base = os.path.commonpath([os.path.dirname(f) for f in files])
        for f in files:
            out = os.path.join(target, os.path.relpath(f, base))
            os.makedirs(os.path.dirname(out), exist_ok=True)
            shutil.copy2(f, out)
        print(f"    uploaded {name}: {', '.join(sorted(os.path.relpath(f, base) for f in files))}", flush=True)
        return True

    def download(self, with_, workspace, uses):
        self.allow(with_, {"name", "pattern", "path", "merge-multiple"}, uses)
        dest = os.path.join(workspace, with_.get("path", ""))
        names = sorted(os.listdir(self.artifacts))
        if with_.get("name"):
            if with_["name"] not in names:
                print(f"    ::error::no artifact named {with_['name']}", flush=True)
                return False
            shutil.copytree(os.path.join(self.artifacts, with_["name"]), dest, dirs_exist_ok=True)
            return True
        chosen = [n for n in names if fnmatch.fnmatchcase(n, with_.get("pattern", "*"))]
        merge = with_.get("merge-multiple", "false") == "true"
        for n in chosen:
            shutil.copytree(os.path.join(self.artifacts, n), dest if merge else os.path.join(dest, n), dirs_exist_ok=True)
        print(f"    downloaded {', '.join(chosen) or 'no artifact'} into {with_.get('path', '.')}", flush=True)
        return True


def needs_of(job):
    needs = job.get("needs") or []
    return [needs] if isinstance(needs, str) else list(needs)


def pair(text, option):
    if "=" not in text:
        raise Unsupported(f"{option} {text!r}: expected NAME=VALUE")
    k, v = text.split("=", 1)
    return k, v


def read_pairs(path):
    """NAME=VALUE lines and NAME<<DELIMITER blocks (GITHUB_OUTPUT, GITHUB_ENV)."""
    with open(path) as f:
        lines = f.read().split("\n")
    values, i = {}, 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip():
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            body = []
            while i < len(lines) and lines[i] != delimiter:
                body.append(lines[i])
                i += 1
            if i >= len(lines):
                raise Unsupported(f"{path}: {key}<<{delimiter} is not closed")
            i += 1
            values[key] = "\n".join(body)
        elif "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
        else:
            raise Unsupported(f"{path}: cannot read {line!r}")
    return values


def main():
    parser = argparse.ArgumentParser(description="Run a GitHub Actions workflow locally (trackbot's tests).")
    parser.add_argument("workflow")
    parser.add_argument("--repo", required=True, help="the user's repository (a local path, e.g. the bare origin)")
    parser.add_argument("--work", required=True, help="a new directory for this run's jobs and artifacts")
    parser.add_argument("--matrix", action="append", default=[], help="KEY=V1,V2: replace a matrix key's values")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE set by the runner (e.g. GITHUB_API_URL)")
    parser.add_argument("--secret", action="append", default=[], help="NAME=VALUE for secrets.NAME")
    parser.add_argument("--input", action="append", default=[], help="NAME=VALUE: a workflow_dispatch run with this input")
    parser.add_argument("--action", action="append", default=[],
                        help="OWNER/NAME=DIR: run uses: OWNER/NAME@… as the composite action DIR/action.yml")
    parser.add_argument("--trackbot-bin", help="a directory holding trackbot: TRACKBOT_BIN for the trackbot action")
    parser.add_argument("--github-repository", default="acme/images", help="github.repository (OWNER/NAME)")
    parser.add_argument("--run-id", default=str(os.getpid()), help="github.run_id")
    args = parser.parse_args()
    try:
        sys.exit(Run(args).run())
    except Unsupported as e:
        print(f"run_workflow.py: unsupported: {e}", file=sys.stderr, flush=True)
        sys.exit(3)


if __name__ == "__main__":
    main()
