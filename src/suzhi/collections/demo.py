def load_collection_demo(admin):
    pass


def shift_collection_demo(campaign, delta):
    pass
