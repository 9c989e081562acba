"""Ship the Q-network of a recorded full run of notebook 4 as the course's trained agent.

    python scripts/export_agent.py --seed 1                  # Pong, the recorded full run with seed 1
    python scripts/export_agent.py --seed 1 --runs-dir runs/full_runs --game Pong

Reads the run's last Atari checkpoint (runs/full_runs/04_atari_dqn-seed<S>-full/
checkpoints/atari-<Game>.ckpt.npz, written by the notebook at the end of training),
rebuilds the notebook's own Q-network (its `build_q_network` with the run's
configuration), loads the weights into it, and writes

- helpers/trained/<Game>.weights.npz: the network's weights only (no replay buffer, no
  optimizer), which `helpers.agents.load_agent` loads into `helpers.agents.build_network`
  (this script checks that it computes what the notebook's network computes);
- helpers/trained/<Game>.json: the record: the run (seed, date, commit, machine, agent
  steps, training time, final evaluation, from results/full_runs.json; for a run
  continued with `full_runs.py --resume`, also the session it continued) and the
  file's sha256, which `helpers.agents.load_agent` checks;

and records the file and its sha256 beside the run in results/full_runs.json
(`shipped_agent`; a run whose agent the file held before keeps its record as
`formerly_shipped_agent`, with the run that replaced it).

The run must be recorded in results/full_runs.json first (scripts/full_runs.py does it).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from dqn_loop import load_notebook_dqn  # noqa: E402  (the notebook's dqn cells, executed)

from helpers import agents, checkpoints, envs  # noqa: E402

NOTEBOOK = "04_atari_dqn"


def recorded_entry(entries: list[dict], seed: int, results_file: pathlib.Path) -> dict:
    for entry in entries:
        if entry["notebook"] == NOTEBOOK and entry["seed"] == seed and entry["mode"] == "full":
            return entry
    raise SystemExit(f"no full run of {NOTEBOOK} with seed {seed} in {results_file}: record it with "
                     f"scripts/full_runs.py first")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, required=True, help="the recorded run's seed")
    parser.add_argument("--game", default="Pong")
    parser.add_argument("--runs-dir", type=pathlib.Path, default=ROOT / "runs" / "full_runs")
    parser.add_argument("--results", type=pathlib.Path, default=ROOT / "results" / "full_runs.json")
    args = parser.parse_args(argv)
    game = envs._resolve_game(args.game)
    entries = json.loads(args.results.read_text(encoding="utf-8"))
    entry = recorded_entry(entries, args.seed, args.results)  # updated in place below
    if entry["results"].get("atari_game") != game:
        raise SystemExit(f"the recorded run played {entry['results'].get('atari_game')}, not {game}")
    checkpoint = args.runs_dir / f"{NOTEBOOK}-seed{args.seed}-full" / "checkpoints" / f"atari-{game}.ckpt.npz"
    meta = checkpoints.read_metadata(checkpoint)
    config = meta["config"]
    last_evaluated = entry["results"]["atari_eval_curve"]["step"][-1]
    if config["seed"] != args.seed or meta["step"] != last_evaluated:
        raise SystemExit(f"{checkpoint} is not the recorded run's last checkpoint: seed {config['seed']}, step "
                         f"{meta['step']:,}; the recorded run has seed {args.seed} and ended at step "
                         f"{last_evaluated:,} (re-run scripts/full_runs.py, or export the run that wrote it)")
    num_actions = envs.make_atari_vector_env(game, 1).single_action_space.n
    weights = checkpoints.network_weights(checkpoint, "q_network")
    with tempfile.TemporaryDirectory(prefix="export-agent-") as directory:
        notebook = load_notebook_dqn(directory)
        trained = notebook["build_q_network"]((4, 84, 84), num_actions, tuple(config["hidden_units"]),
                                              conv=config["network"])
    trained.set_weights(weights)
    network = agents.build_network(num_actions, config["network"], tuple(config["hidden_units"]))
    network.set_weights(weights)
    observations = np.random.default_rng(0).integers(0, 256, size=(16, 4, 84, 84), dtype=np.uint8)
    if not np.allclose(trained(observations), network(observations), atol=1e-5):
        raise SystemExit("helpers.agents.build_network computes something else than the notebook's build_q_network")
    agents.TRAINED_DIR.mkdir(exist_ok=True)
    model_path = agents.TRAINED_DIR / f"{game}.weights.npz"
    agents.save_weights(network, model_path)
    results, timings = entry["results"], entry["timings"]
    record = {
        "game": game,
        "file": model_path.name,
        "sha256": agents.sha256_of(model_path),
        "num_actions": int(num_actions),
        "network": config["network"],
        "hidden_units": list(config["hidden_units"]),
        "notebook": NOTEBOOK,
        "seed": args.seed,
        "agent_steps": int(meta["step"]),
        "training_minutes": round(timings["atari_training_seconds"] / 60, 1),
        "eval_score": results["atari_eval_score"],
        "eval_games": config["eval_games"],
        "date": entry["date"],
        "commit": entry["commit"],
        "machine": entry["machine"],
        "versions": entry["versions"],
        "results_file": "results/full_runs.json",
    }
    if entry.get("resumed_from"):  # a run trained in two sessions (scripts/full_runs.py --resume)
        earlier = entry["resumed_from"]
        record["resumed_from"] = {
            "date": earlier.get("date"), "commit": earlier.get("commit"),
            "training_minutes": round(earlier.get("timings", {}).get("atari_training_seconds", 0.0) / 60, 1),
            "eval_score": earlier.get("results", {}).get("atari_eval_score"),
        }
    record_path = agents.TRAINED_DIR / f"{game}.json"
    record_path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    # the checksum beside the run as well: the results file says which of its runs the course ships
    shipped = {"file": f"helpers/trained/{model_path.name}", "sha256": record["sha256"]}
    for other in entries:  # a run whose agent this file held before keeps that as history
        if other is not entry and other.get("shipped_agent", {}).get("file") == shipped["file"]:
            other["formerly_shipped_agent"] = dict(other.pop("shipped_agent"),
                                                   replaced_by={"seed": args.seed, "date": entry["date"]})
    entry["shipped_agent"] = shipped
    args.results.write_text(json.dumps(entries, indent=1) + "\n", encoding="utf-8")
    size = model_path.stat().st_size
    print(f"wrote {model_path.relative_to(ROOT)} ({size / 1e6:.2f} MB, sha256 {record['sha256'][:12]}...) and "
          f"{record_path.relative_to(ROOT)}: seed {args.seed}, {record['agent_steps']:,} steps, "
          f"{record['training_minutes']} min, evaluation {record['eval_score']:+.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
