"""Learned roles: a transformer classifier that decides, for the rule pipeline's own candidates, who
levies a tariff rate, whom it targets, and which country an official serves.

data.py builds the pairs (gold + text -> datasets.Dataset), train.py fine-tunes (`tariffwire train
relations`), model.py loads and runs the classifier, component.py is the pipeline component that
applies it (`tariffwire_roles`, configs/learned-roles.cfg).
"""
