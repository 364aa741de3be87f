"""Control numbers: unique per sender, persisted across runs, atomic under concurrent writers, wrapping at 999999999."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import Engine, update

from revcycle.errors import DatabaseError
from revcycle.services.database import engine_for
from revcycle.store import make_engine, tables
from revcycle.x12.control_numbers import (
    MAX_CONTROL_NUMBER,
    ControlNumberError,
    ControlNumbers,
    DatabaseControlNumbers,
    MemoryControlNumbers,
    following,
)


def test_following_wraps_after_the_largest_isa13() -> None:
    assert following(0, 3) == (1, 2, 3)
    assert following(MAX_CONTROL_NUMBER - 1, 3) == (MAX_CONTROL_NUMBER, 1, 2)
    assert following(MAX_CONTROL_NUMBER, 1) == (1,)


def test_memory_numbers_count_per_sender() -> None:
    numbers = MemoryControlNumbers()
    assert numbers.reserve("A", 1, 2) == ControlNumbers(1, (1,), (1, 2))
    assert numbers.reserve("A", 2, 1) == ControlNumbers(2, (2, 3), (3,))
    assert numbers.reserve("B", 1, 1) == ControlNumbers(1, (1,), (1,))


@pytest.mark.parametrize(("sender", "groups", "transactions"), [("", 1, 1), ("  ", 1, 1), ("A", 0, 1), ("A", 1, 0)])
def test_impossible_requests_are_refused(sender: str, groups: int, transactions: int) -> None:
    with pytest.raises(ControlNumberError):
        MemoryControlNumbers().reserve(sender, groups, transactions)


def test_database_numbers_start_at_one_and_persist_across_runs(database_url: str) -> None:
    first = DatabaseControlNumbers(engine_for(database_url)).reserve("SENDER1", 2, 3)
    assert first == ControlNumbers(1, (1, 2), (1, 2, 3))
    # A new engine is a new run of revcycle: the numbers go on from the database, not from memory.
    engine = make_engine(database_url)
    try:
        second = DatabaseControlNumbers(engine).reserve("SENDER1", 1, 1)
    finally:
        engine.dispose()
    assert second == ControlNumbers(2, (3,), (4,))
    assert DatabaseControlNumbers(engine_for(database_url)).reserve("OTHER", 1, 1) == ControlNumbers(1, (1,), (1,))
    assert DatabaseControlNumbers(engine_for(database_url)).last("SENDER1") == ControlNumbers(2, (3,), (4,))
    assert DatabaseControlNumbers(engine_for(database_url)).last("NOBODY") is None


def test_database_numbers_wrap_to_one(engine: Engine) -> None:
    numbers = DatabaseControlNumbers(engine)
    numbers.reserve("WRAP", 1, 1)
    counters = tables.x12_control_numbers
    with engine.begin() as connection:
        connection.execute(
            update(counters)
            .where(counters.c.sender_id == "WRAP")
            .values(
                interchange_number=MAX_CONTROL_NUMBER,
                group_number=MAX_CONTROL_NUMBER - 1,
                transaction_number=MAX_CONTROL_NUMBER - 1,
            )
        )
    assert numbers.reserve("WRAP", 2, 3) == ControlNumbers(1, (MAX_CONTROL_NUMBER, 1), (MAX_CONTROL_NUMBER, 1, 2))
    assert numbers.reserve("WRAP", 1, 1) == ControlNumbers(2, (2,), (3,))


def test_a_reservation_inside_a_rolled_back_transaction_is_released(engine: Engine) -> None:
    with engine.connect() as connection:
        transaction = connection.begin()
        DatabaseControlNumbers(connection).reserve("ROLLBACK", 1, 1)
        transaction.rollback()
    assert DatabaseControlNumbers(engine).reserve("ROLLBACK", 1, 1).interchange == 1


def test_two_threads_never_get_the_same_numbers(database_url: str) -> None:
    rounds = 40
    barrier = threading.Barrier(4)

    def reserve_many(_: int) -> list[ControlNumbers]:
        # One engine per thread, as separate writers would have.
        engine = make_engine(database_url)
        try:
            numbers = DatabaseControlNumbers(engine)
            barrier.wait()
            return [numbers.reserve("THREADS", 1, 2) for _ in range(rounds)]
        finally:
            engine.dispose()

    with ThreadPoolExecutor(4) as pool:
        results = [item for batch in pool.map(reserve_many, range(4)) for item in batch]
    assert_unique(results, 4 * rounds)


def _reserve_in_process(url: str, start: Any, rounds: int) -> list[tuple[int, ...]]:
    engine = make_engine(url)
    try:
        numbers = DatabaseControlNumbers(engine)
        start.wait()
        found = []
        for _ in range(rounds):
            reserved = numbers.reserve("PROCESSES", 2, 1)
            found.append((reserved.interchange, *reserved.groups, *reserved.transactions))
        return found
    finally:
        engine.dispose()


def test_two_processes_never_get_the_same_numbers(database_url: str) -> None:
    rounds = 30
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Event()
        with context.Pool(2) as pool:
            pending = [pool.apply_async(_reserve_in_process, (database_url, start, rounds)) for _ in range(2)]
            start.set()
            results = [ControlNumbers(item[0], item[1:3], item[3:]) for job in pending for item in job.get(timeout=120)]
    assert_unique(results, 2 * rounds)


def assert_unique(results: list[ControlNumbers], reservations: int) -> None:
    interchanges = [item.interchange for item in results]
    groups = [number for item in results for number in item.groups]
    transactions = [number for item in results for number in item.transactions]
    assert len(set(interchanges)) == len(interchanges) == reservations
    assert sorted(interchanges) == list(range(1, reservations + 1))
    assert sorted(groups) == list(range(1, len(groups) + 1))
    assert sorted(transactions) == list(range(1, len(transactions) + 1))


def test_a_database_without_the_table_is_a_clear_error(empty_database_url: str) -> None:
    with pytest.raises(DatabaseError, match="control numbers"):
        DatabaseControlNumbers(make_engine(empty_database_url)).reserve("X", 1, 1)
