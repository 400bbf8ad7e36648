"""The planner: (policy, snapshot, now) -> frozen actions. Pure; ``notes`` owns what a bot note
means over time, ``planner`` assembles one issue's actions at a time."""
