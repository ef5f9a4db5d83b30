"""Reads a Kiln dataset the way a distributed training job does and reports what each rank read.

Used by the Java test KilnTrainingReadTest. ``epoch`` mode starts ``--world`` processes under
``torch.distributed`` (gloo on 127.0.0.1, a free port), each reading its share of one epoch through
``KilnIterableDataset`` and a DataLoader of ``--workers`` workers and ``--batch`` samples a batch;
``--stop-after M`` stops every rank after M samples and saves the state dict, ``--resume FILE``
starts from one. It prints, as JSON, each rank's keys in the order its loader yielded them and the
state dict every rank computed. ``decode`` mode reads a few decoded samples through
``collate_samples`` and prints their image and box shapes. ``simulate`` mode needs no torch: it
iterates datasets with explicit ranks in one process (the way a loop without DataLoader workers
does, so ``state_dict()`` counts by itself), stops them, resumes the state at another world size,
and prints what every simulated rank read, with ``drop_last`` and ``pad`` too.
"""

import argparse
import json
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kiln_reader  # noqa: E402


def keys_of(batch):
    return [s["key"] for s in batch]


def rank_main(rank, args, port, results):
    import torch.distributed as dist
    from torch.utils.data import DataLoader

    dist.init_process_group("gloo", init_method="tcp://127.0.0.1:%d" % port, rank=rank,
                            world_size=args.world)
    try:
        ds = kiln_reader.KilnIterableDataset(args.dataset, seed=args.seed, batch_size=args.batch)
        if args.resume:
            with open(args.resume) as f:
                ds.load_state_dict(json.load(f))
        ds.set_epoch(args.epoch)
        loader = DataLoader(ds, batch_size=args.batch, num_workers=args.workers,
                            collate_fn=keys_of)
        keys = []
        for batch in loader:
            keys += batch
            if args.stop_after is not None and len(keys) >= args.stop_after:
                break
        state = ds.state_dict(samples_seen=len(keys))
        gathered = [None] * args.world
        dist.all_gather_object(gathered, {"rank": dist.get_rank(), "keys": keys, "state": state})
        if rank == 0:
            results.put(gathered)
    finally:
        dist.destroy_process_group()


def epoch(args):
    import torch.multiprocessing as mp

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ctx = mp.get_context("fork")
    results = ctx.SimpleQueue()
    mp.start_processes(rank_main, args=(args, port, results), nprocs=args.world, join=True,
                       start_method="fork")
    ranks = results.get()
    if args.save_state:
        with open(args.save_state, "w") as f:
            json.dump(ranks[0]["state"], f)
    return {"ranks": ranks}


def decode(args):
    from torch.utils.data import DataLoader

    ds = kiln_reader.KilnIterableDataset(args.dataset, seed=args.seed, decode=True,
                                         rank=0, world_size=1, shuffle=False)
    out = []
    for batch in DataLoader(ds, batch_size=args.batch, collate_fn=kiln_reader.collate_samples):
        images = batch["image"]
        for j, key in enumerate(batch["key"]):
            image = images[j]
            out.append({"key": key, "shape": list(image.shape), "dtype": str(image.dtype),
                        "pixel": image[0, 0].tolist(),
                        "boxes": batch["boxes"][j].tolist(),
                        "category_ids": batch["box_category_ids"][j].tolist(),
                        "width": int(batch["width"][j]), "height": int(batch["height"][j])})
    return {"samples": out}


def simulate(args):
    path, seed = args.dataset, args.seed

    def ranks(world, state=None, stop=None, **options):
        keys, states = [], []
        for rank in range(world):
            ds = kiln_reader.KilnIterableDataset(path, seed=seed, rank=rank, world_size=world,
                                                 **options)
            if state is not None:
                ds.load_state_dict(state)
            else:
                ds.set_epoch(args.epoch)
            mine = []
            for sample in ds:
                mine.append(sample["key"])
                if stop is not None and len(mine) == stop:
                    break
            keys.append(mine)
            states.append(ds.state_dict())
        return {"keys": keys, "states": states}

    first = ranks(3, stop=5)
    return {"first": first, "rest": ranks(2, state=first["states"][0]),
            "drop_last": ranks(4, drop_last=True), "pad": ranks(4, pad=True),
            "unshuffled": ranks(1, shuffle=False)["keys"][0]}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["epoch", "decode", "simulate"])
    p.add_argument("dataset")
    p.add_argument("--world", type=int, default=2)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epoch", type=int, default=0)
    p.add_argument("--stop-after", type=int)
    p.add_argument("--resume")
    p.add_argument("--save-state")
    args = p.parse_args()
    modes = {"epoch": epoch, "decode": decode, "simulate": simulate}
    json.dump(modes[args.mode](args), sys.stdout)


if __name__ == "__main__":
    main()
