"""The keywords where the public site explains SMS: the subscribe page."""


def test_the_subscribe_page_lists_the_keywords_with_the_sms_number(world, client, settings):
    settings.SMS_INBOUND_NUMBER, settings.SMS_INBOUND_NUMBERS = "06 39 98 00 76", ""
    page = client.get("/seine-estuaire/abonnement/").content.decode()
    assert "Sans inscription : par SMS au 06 39 98 00 76" in page
    # Le Havre, the territory's most populous commune, alone behind its postcode.
    assert '<kbd>INFO 76600</kbd>' in page and '<kbd>ABO 76600</kbd>' in page and "<kbd>STOP</kbd>" in page


def test_without_an_sms_line_the_page_says_nothing_of_keywords(world, client, settings):
    settings.SMS_INBOUND_NUMBER, settings.SMS_INBOUND_NUMBERS = "", ""
    page = client.get("/seine-estuaire/abonnement/").content.decode()
    assert "par SMS au" not in page and "<kbd>" not in page
