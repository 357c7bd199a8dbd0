"""Quartz cron expressions: a strict validator and exact next fire times over croniter.

CONTRACT (filled in by the Quartz-engine work; signatures are fixed, other modules rely on them):

    parse(text) -> QuartzExpression          full Quartz syntax, 6 or 7 fields; raises CronError
    from_fields(CronFields) -> QuartzExpression
    QuartzExpression.portal_fields() -> CronFields   raises CronError when not storable
    next_fire_times(expr, *, after, count, tz=UTC) -> list[datetime]
    describe(expr) -> str
    unix_to_quartz(text) -> str | None
"""
