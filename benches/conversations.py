#!/usr/bin/env python3
"""Writes N generated conversations as JSON Lines (default 100,000), for
benches/filter.sh. Deterministic: the same N gives the same bytes.

Each line is shaped like the API's Conversation model, about 700 bytes:
state, source (author, subject, HTML body), statistics, tags, contacts,
custom attributes and timestamps."""

import json
import random
import sys

WORDS = "hello refund order please thanks broken invoice help login cancel billing account".split()
DOMAINS = ["acme.com", "example.com", "example.org", "mail.acme.com", "spam.net"]


def conversation(rng, i):
    created = 1_704_067_200 + rng.randrange(366 * 86_400)
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(3, 15)))
    author = f"{rng.choice(['jane', 'joe', 'ann', 'li', 'sam'])}{rng.randrange(1000)}"
    reopens = rng.randrange(6)
    return {
        "type": "conversation",
        "id": str(100_000_000 + i),
        "created_at": created,
        "updated_at": created + rng.randrange(86_400 * 30),
        "waiting_since": None if rng.random() < 0.5 else created + 3600,
        "snoozed_until": None,
        "open": rng.random() < 0.5,
        "state": rng.choice(["open", "closed", "snoozed"]),
        "read": rng.random() < 0.5,
        "priority": rng.choice(["priority", "not_priority"]),
        "admin_assignee_id": rng.choice([None, 814860, 5017691]),
        "tags": {
            "type": "tag.list",
            "tags": [
                {"type": "tag", "id": str(t), "name": f"tag {t}"}
                for t in rng.sample(range(1, 30), rng.randrange(3))
            ],
        },
        "source": {
            "type": "conversation",
            "id": str(rng.randrange(10**9)),
            "subject": "",
            "body": f"<p>{body.capitalize()}.</p>",
            "author": {
                "type": "user",
                "id": f"{rng.randrange(16**12):012x}",
                "name": author.capitalize(),
                "email": f"{author}@{rng.choice(DOMAINS)}",
            },
        },
        "contacts": {
            "type": "contact.list",
            "contacts": [{"type": "contact", "id": f"{rng.randrange(16**12):012x}"}],
        },
        "custom_attributes": {"plan": rng.choice(["free", "pro", "enterprise"])},
        "statistics": {
            "type": "conversation_statistics",
            "time_to_assignment": rng.randrange(600),
            "count_reopens": reopens,
            "count_assignments": rng.randrange(4),
            "count_conversation_parts": rng.randrange(40),
        },
    }


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = random.Random(14)
    out = sys.stdout
    for i in range(n):
        out.write(json.dumps(conversation(rng, i), separators=(",", ":")))
        out.write("\n")


if __name__ == "__main__":
    main()
