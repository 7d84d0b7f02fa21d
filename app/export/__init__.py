"""Export: chosen incidents, their people (as consent allows), interventions, evidence
and custody trail, sealed into one `.carnet` bundle; and the organisation's reader."""
