"""The demo site: `load_demo_data` and its data tables (the top layer: nothing imports it).

demo/build.py runs the parts in order, each writing through its own app's services:
demo/accounts.py, demo/catalog.py, demo/cms.py and demo/fairs.py. The tables they read
are in demo/data/. `bench_search` lives here too, as it measures the demo's scale catalogue.
"""
