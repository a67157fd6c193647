"""The small "foundation" model of the fine_tuning exercise: its fixed data split and its maker."""
