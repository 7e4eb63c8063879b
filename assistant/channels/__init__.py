"""Messaging channels outside the web page: the WeChat Official Account (公众号), the WeCom self-built
app and the WeCom 智能机器人. Everything here is framework-free; `api/routers/wechat.py` is the thin
HTTP layer on top."""
