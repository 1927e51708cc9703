def page_text(response):
    return response.content.decode()
