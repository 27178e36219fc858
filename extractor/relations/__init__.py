"""Learned roles: a transformer classifier that decides, for the rule pipeline's own candidates, who
levies a tariff rate, whom it targets, and which country an official serves.

data.py builds the pairs (gold + text -> datasets.Dataset), train.py fine-tunes, model.py applies the
model inside the tariff finder (`extract.roles = "learned"`), cli.py is `tariffwire train relations`.
"""
