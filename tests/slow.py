"""A pytest plugin: the `slow` mark, so that `python -m pytest -m "not slow"` is a loop a
contributor can run while editing (README, "Tests"); CI and the deploy gate run everything.

A test is slow when it uses a fixture that builds a site of tens to hundreds of events, or is
named in SLOW_TESTS (a list here rather than marks in each file; tests/test_readme.py checks
that every name still is a test). Every test module keeps at least one fast test
(tests/test_readme.py checks), so the fast selection still touches each part at small size.
"""

import pytest

#: Fixtures that build a site of 40 to 300 events, or several.
SLOW_FIXTURES = frozenset(
    {
        "corpus_site",  # 40 events, every variant
        "variant_site",  # 57 events, every variant
        "dumps_dist",  # 200 events
        "edge_site",  # the 57 events, built twice with --edge
        "paged_site",  # 300 events
    }
)


#: Tests that build a 57-event site or more of their own, several sites, or a fresh virtual
#: environment: 15 to 140 s each on a busy 2-core machine (`--durations`, issue 27). Each module
#: keeps a faster test of the same part.
SLOW_TESTS = frozenset(
    {
        "test_changes.py::test_without_a_repository_changes_say_why_there_is_no_base",
        "test_cli.py::test_a_build_that_fails_while_writing_leaves_dist_as_it_was",
        "test_cli.py::test_a_long_build_on_a_terminal_shows_its_stage_and_files",
        "test_edge.py::test_an_incremental_edge_build_equals_a_clean_one_and_the_worker_serves_the_change",
        "test_faults.py::test_two_builds_started_together_leave_one_complete_build",
        "test_faults.py::test_records_that_agree_are_compared_once",
        "test_fetch.py::test_a_full_fetch_writes_every_version_and_mode_exactly_as_sent",
        "test_forked.py::test_one_and_two_processes_build_the_same_bytes",
        "test_forked.py::test_an_error_in_the_second_process_is_reported_and_dist_is_left_alone",
        "test_forked.py::test_a_second_process_that_dies_fails_the_build_by_name",
        "test_forked.py::test_a_failure_in_the_first_process_stops_the_second",
        "test_forked.py::test_with_another_thread_running_the_build_stays_in_one_process",
        "test_forked.py::test_a_rebuild_saves_its_basis_in_the_background_and_the_next_one_reuses_it",
        "test_incremental.py::test_a_page_deleted_from_dist_by_hand_is_found_by_verify_and_mended_by_clean",
        "test_forked.py::test_a_rebuild_validates_its_changed_lines_in_the_second_process_with_one_report",
        "test_golden.py::test_the_build_of_a_frozen_input_equals_its_golden_listing[corpus57]",
        "test_history.py::test_a_date_moved_between_two_fetches_is_a_slip_a_page_line_and_a_calendar_update",
        "test_incremental.py::test_incremental_build_after_random_changes_equals_a_clean_build",
        "test_incremental.py::test_deleting_the_cache_gives_the_same_bytes",
        "test_incremental.py::test_a_changed_page_text_rewrites_only_the_pages_that_show_it",
        "test_incremental.py::test_a_changed_schedule_history_rewrites_that_event_and_equals_a_clean_build",
        "test_mirror.py::test_every_next_and_previous_link_resolves_to_a_file",
        "test_mirror.py::test_walking_next_visits_every_record_once",
        "test_mirror.py::test_two_builds_of_one_snapshot_are_byte_identical",
        "test_mirror.py::test_envelope_counts_and_page_sizes",
        "test_changes.py::test_the_first_snapshot_commit_has_no_previous_snapshot",
        "test_changes.py::test_changes_list_events_added_updated_and_removed_by_the_last_snapshot_commit",
        "test_variants.py::test_a_hosts_budget_is_never_exceeded_and_the_report_counts_what_dist_holds[options0-None-1000000000-variants (budget no file limit, 1,000,000,000 bytes):]",  # noqa: E501
        "test_readme.py::test_a_fresh_clone_installs_and_builds_with_the_readme_command",
        # 40 generated examples, each a copy and a build of the seed: 122 s on a busy machine
        "test_property_faults.py::test_no_input_gives_a_traceback_and_a_failure_changes_nothing",
    }
)


def slow_name(item: pytest.Item) -> str:
    """`test_x.py::test_name` (with its parameters when SLOW_TESTS names them)."""
    return f"{item.path.name}::{item.name}"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: left out of the fast loop, pytest -m 'not slow'")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        named = slow_name(item) in SLOW_TESTS or slow_name(item).split("[")[0] in SLOW_TESTS
        if named or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
