"""Supervision after filing: the inspection items, the inspector pool, the 双随机 draws anyone can
repeat (RFC 3797), the inspection results and what follows from them (整改, 移出)."""
