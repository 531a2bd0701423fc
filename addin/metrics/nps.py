"""Net Promoter Score (guides 002 and 004) and its margin of error.

"How likely are you to recommend us to a friend or colleague?", answered 0–10:
promoters 9–10, passives 7–8, detractors 0–6. NPS = % promoters − % detractors, in points
from −100 to +100.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from . import _inputs as v


@dataclass(frozen=True)
class NpsCounts:
    """Answers tallied by group; ``skipped`` counts blank answers that were left out."""

    promoters: int
    passives: int
    detractors: int
    skipped: int = 0

    @property
    def responses(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> float:
        return net_promoter_score(self.promoters, self.passives, self.detractors)

    def margin_of_error(self, confidence: float = 0.95) -> float:
        return nps_margin_of_error(self.promoters, self.passives, self.detractors, confidence)


def _counts(promoters, passives, detractors) -> tuple[int, int, int, int]:
    p = v.count("promoters", promoters)
    m = v.count("passives", passives)
    d = v.count("detractors", detractors)
    return p, m, d, p + m + d


def net_promoter_score(promoters, passives, detractors) -> float:
    """Net Promoter Score from the number of promoters, passives and detractors.

    NPS = (promoters − detractors) / (promoters + passives + detractors) × 100, in points
    from −100 to +100 (guides 002, 004). Example (guide 004): 50, 25, 10 → 47.06.
    No answers at all is undefined.
    """
    p, _, d, n = _counts(promoters, passives, detractors)
    return v.divide(p - d, n, "the number of answers", times=100.0)


def nps_margin_of_error(promoters, passives, detractors, confidence=0.95) -> float:
    """Margin of error of the NPS, in points, at a confidence level (0.95 by default).

    MOE = z × √((p + d − (p − d)²) / n) × 100, with p and d the promoter and detractor shares
    and z the normal quantile (1.96 at 95 %): the standard error of the difference of two
    shares of one multinomial sample. Example: 50, 25, 10 → ±14.8 points.
    """
    p, _, d, n = _counts(promoters, passives, detractors)
    level = v.number("confidence", confidence)
    if not 0.0 < level < 1.0:
        raise v.InvalidInputError(
            f"confidence is {level:g}, expected a level between 0 and 1 (95 % is 0.95)"
        )
    if n == 0:
        raise v.UndefinedResultError("undefined: the number of answers is 0")
    share_p, share_d = p / n, d / n
    z = NormalDist().inv_cdf(0.5 + level / 2.0)
    variance = max(share_p + share_d - (share_p - share_d) ** 2, 0.0)
    return z * math.sqrt(variance / n) * 100.0


def count_nps_answers(answers) -> NpsCounts:
    """Tally raw 0–10 answers into promoters (9–10), passives (7–8) and detractors (0–6).

    Blank cells are skipped and counted in ``skipped``. An answer that is not a whole number
    from 0 to 10 (text, 7.5, 11, −1) is invalid and named by its position.
    """
    array = v.flat("answers", answers)
    skip = v.blank_mask(array)
    scores = v.numbers_array("answers", array, skip)
    bad = (scores < 0) | (scores > 10) | (scores != np.floor(scores))
    if bad.any():
        first = int(np.argmax(bad))
        position = int(np.flatnonzero(~skip)[first]) + 1
        raise v.InvalidInputError(
            f"answers[{position}] is {v.show(float(scores[first]))}, expected a whole number "
            "from 0 to 10"
        )
    return _grouped(np.bincount(scores.astype(np.intp), minlength=11), int(skip.sum()))


def _grouped(tally: np.ndarray, skipped: int = 0) -> NpsCounts:
    """Answers per score 0..10 as promoters (9–10), passives (7–8) and detractors (0–6)."""
    return NpsCounts(
        promoters=int(tally[9:].sum()),
        passives=int(tally[7:9].sum()),
        detractors=int(tally[:7].sum()),
        skipped=skipped,
    )


def count_nps_tally(scores, answers) -> NpsCounts:
    """Tally answers given as (score, number of answers) pairs: the same as
    :func:`count_nps_answers` on the answers written out one by one.

    A score that is not a whole number from 0 to 10, or a negative or fractional number of
    answers, is invalid and named by its position.
    """
    return _grouped(nps_tally(scores, answers))


def nps_tally(scores, answers) -> np.ndarray:
    """The number of answers of each score 0..10 from (score, number of answers) pairs."""
    score = np.asarray(scores, dtype=np.float64).reshape(-1)
    count = np.asarray(answers, dtype=np.float64).reshape(-1)
    v.same_length(("scores", "answers"), (score, count))
    bad = ~((score >= 0) & (score <= 10) & (score == np.floor(score)))
    if bad.any():
        first = int(np.argmax(bad))
        raise v.InvalidInputError(
            f"scores[{first + 1}] is {v.show(float(score[first]))}, expected a whole number "
            "from 0 to 10"
        )
    wrong = ~((count >= 0) & (count == np.floor(count)))
    if wrong.any():
        first = int(np.argmax(wrong))
        raise v.InvalidInputError(
            f"answers[{first + 1}] is {v.show(float(count[first]))}, expected a whole number "
            "of answers, 0 or more"
        )
    return np.bincount(score.astype(np.intp), weights=count, minlength=11).astype(np.int64)


def nps_from_answers(answers) -> float:
    """Net Promoter Score of raw 0–10 answers (blanks skipped): % answers 9–10 − % answers 0–6."""
    return count_nps_answers(answers).score


def nps_margin_of_error_from_answers(answers, confidence=0.95) -> float:
    """Margin of error, in points, of the NPS of raw 0–10 answers (see nps_margin_of_error)."""
    return count_nps_answers(answers).margin_of_error(confidence)
