#!/usr/bin/env python3
"""Regenerate the FICTIONAL sample data of rulesets/lang-son-2024.toml (stdlib only, seeded).

    python3 rulesets/lang-son-2024/generate.py [--out DIR]

writes, beside this script, units.csv (unit_id, name, cluster_id) and measures.csv (long
form: unit_id, indicator, value; a missing target is an absent row), and
rulesets/lang-son-2024-wide.csv: the units of three whole clusters (WIDE_CLUSTERS) with
the very same values, one column per indicator (a missing target is an empty cell).
Whole clusters, because some criteria compare a unit with its cluster's best.

Agency names are real-looking, enterprise and co-operative names are invented, and
every figure is made up. Each cluster follows a scenario so that the example shows what
a secretariat meets: a plain flag, a cluster leader barred by a gate (the next
excellent unit gets the flag), a tie on the total settled by a declared tie-break, a
leader that is only "good", clusters with no excellent unit at all.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import random
import re
from pathlib import Path

SEED = 2024
HERE = Path(__file__).resolve().parent
WIDE_FILE = HERE.parent / "lang-son-2024-wide.csv"
WIDE_CLUSTERS = ("K01-huyen-thanh-pho", "K02-so-kinh-te", "K06-mat-tran-doan-the")

DISTRICTS = ["Cao Lộc", "Lộc Bình", "Đình Lập", "Chi Lăng", "Hữu Lũng", "Bắc Sơn", "Bình Gia",
             "Văn Quan", "Tràng Định", "Văn Lãng"]
PLACES = ["Kỳ Lừa", "Tân Thanh", "Hữu Nghị", "Đồng Đăng", "Mẫu Sơn", "Chi Ma", "Cốc Nam",
          "Bảo Lâm", "Na Sầm", "Hoàng Đồng", "Phai Vệ", "Tam Thanh", "Nhị Thanh", "Tô Thị",
          "Kỳ Cùng", "Thất Khê", "Đông Kinh", "Lộc An", "Hồng Phong", "Việt Bắc", "Xứ Lạng",
          "Pác Luống", "Quang Lang", "Mai Pha", "Hoàng Văn Thụ", "Bình Độ", "Tân Yên",
          "Khánh Khê", "Na Dương", "Thái Bình", "Yên Trạch", "Bằng Mạc"]

# (cluster_id, scenario, which units have a growth target: "all" | "some" | "none", names)
CLUSTERS: list[tuple[str, str, str, list[str]]] = [
    ("K01-huyen-thanh-pho", "tie_chi_tieu", "all",
     ["Ủy ban nhân dân thành phố Lạng Sơn"] + [f"Ủy ban nhân dân huyện {d}" for d in DISTRICTS]),
    ("K02-so-kinh-te", "gate_discipline", "some",
     ["Sở Kế hoạch và Đầu tư", "Sở Tài chính", "Sở Công Thương", "Sở Xây dựng",
      "Sở Giao thông vận tải", "Sở Tài nguyên và Môi trường",
      "Sở Nông nghiệp và Phát triển nông thôn", "Sở Khoa học và Công nghệ",
      "Sở Thông tin và Truyền thông", "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn"]),
    ("K03-so-van-hoa-xa-hoi", "plain", "some",
     ["Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Lao động - Thương binh và Xã hội",
      "Sở Văn hóa, Thể thao và Du lịch", "Ban Dân tộc tỉnh", "Đài Phát thanh và Truyền hình tỉnh",
      "Báo Lạng Sơn", "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh",
      "Hội Văn học Nghệ thuật tỉnh"]),
    ("K04-noi-chinh", "none", "some",
     ["Sở Nội vụ", "Sở Tư pháp", "Thanh tra tỉnh", "Văn phòng Ủy ban nhân dân tỉnh",
      "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh", "Sở Ngoại vụ",
      "Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
      "Tòa án nhân dân tỉnh", "Viện Kiểm sát nhân dân tỉnh", "Cục Thi hành án dân sự tỉnh"]),
    ("K05-co-quan-dang", "plain", "none",
     ["Văn phòng Tỉnh ủy", "Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy",
      "Ủy ban Kiểm tra Tỉnh ủy", "Ban Nội chính Tỉnh ủy", "Ban Dân vận Tỉnh ủy",
      "Đảng ủy Khối các cơ quan tỉnh", "Đảng ủy Khối Doanh nghiệp tỉnh",
      "Trường Chính trị Hoàng Văn Thụ"]),
    ("K06-mat-tran-doan-the", "gate_violation", "none",
     ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Liên đoàn Lao động tỉnh", "Tỉnh Đoàn",
      "Hội Liên hiệp Phụ nữ tỉnh", "Hội Nông dân tỉnh", "Hội Cựu chiến binh tỉnh",
      "Liên minh Hợp tác xã tỉnh", "Hội Chữ thập đỏ tỉnh"]),
    ("K07-hoi-dac-thu", "none", "none",
     ["Hội Người cao tuổi tỉnh", "Hội Khuyến học tỉnh", "Hội Luật gia tỉnh", "Hội Nhà báo tỉnh",
      "Hội Đông y tỉnh", "Hội Nạn nhân chất độc da cam/dioxin tỉnh", "Hội Người mù tỉnh",
      "Hội Cựu thanh niên xung phong tỉnh",
      "Hội Bảo trợ người khuyết tật và trẻ mồ côi tỉnh"]),
    ("K08-co-quan-trung-uong", "plain_government", "all",
     ["Cục Thuế tỉnh", "Cục Hải quan tỉnh", "Kho bạc Nhà nước tỉnh",
      "Ngân hàng Nhà nước Chi nhánh tỉnh", "Bảo hiểm xã hội tỉnh", "Cục Thống kê tỉnh",
      "Cục Quản lý thị trường tỉnh", "Chi nhánh Ngân hàng Chính sách xã hội tỉnh",
      "Chi cục Kiểm dịch động vật vùng Lạng Sơn", "Bưu điện tỉnh"]),
    ("K09-doanh-nghiep-nha-nuoc", "none_good_leader", "all",
     ["Công ty Điện lực Lạng Sơn", "Viễn thông Lạng Sơn", "Viettel Lạng Sơn",
      "Công ty cổ phần Cấp thoát nước Lạng Sơn", "Công ty TNHH MTV Xổ số kiến thiết Lạng Sơn",
      "Công ty TNHH MTV Lâm nghiệp Đình Lập", "Công ty TNHH MTV Lâm nghiệp Lộc Bình",
      "Công ty TNHH MTV Khai thác thủy lợi Lạng Sơn", "Công ty cổ phần Môi trường đô thị Lạng Sơn",
      "Công ty cổ phần Bến xe Lạng Sơn"]),
    ("K10-dn-xuat-nhap-khau", "tie_khen_thuong", "all", []),
    ("K11-dn-xay-dung-giao-thong", "none", "all", []),
    ("K12-dn-nong-lam-nghiep", "none", "all", []),
    ("K13-hop-tac-xa", "plain", "all", []),
    ("K14-thpt-khu-vuc-1", "plain", "all",
     [f"Trường THPT {s}" for s in (
         "Chuyên Chu Văn An", "Việt Bắc", "Hoàng Văn Thụ", "Ngô Thì Sỹ", "Cao Lộc", "Đồng Đăng",
         "Văn Lãng", "Na Sầm", "Tràng Định", "Thất Khê", "Bình Độ", "Bình Gia", "Pác Khuông",
         "Bắc Sơn", "Vũ Lễ")]),
    ("K15-thpt-khu-vuc-2", "none", "all",
     [f"Trường THPT {s}" for s in (
         "Lộc Bình", "Na Dương", "Tú Đoạn", "Đình Lập", "Bình Xá", "Chi Lăng", "Đồng Bành",
         "Hòa Bình", "Hữu Lũng", "Vân Nham", "Tân Thành", "Văn Quan", "Lương Văn Tri",
         "Yên Bình", "Ba Sơn")]),
    ("K16-cao-dang-trung-tam", "none", "all",
     ["Trường Cao đẳng Sư phạm Lạng Sơn", "Trường Cao đẳng Y tế Lạng Sơn",
      "Trường Cao đẳng Nghề Lạng Sơn", "Trường Cao đẳng Công nghệ và Nông lâm Đông Bắc",
      "Trung tâm Giáo dục thường xuyên tỉnh", "Trường Phổ thông Dân tộc nội trú tỉnh",
      "Trung tâm Ngoại ngữ - Tin học tỉnh", "Trường Trung cấp Văn hóa Nghệ thuật tỉnh"]),
    ("K17-ptdtnt-huyen", "tie_deductions", "all",
     [f"Trường Phổ thông Dân tộc nội trú THCS huyện {d}" for d in DISTRICTS]),
    ("K18-benh-vien-tinh", "plain_ministry", "some",
     ["Bệnh viện Đa khoa tỉnh", "Bệnh viện Phổi tỉnh",
      "Bệnh viện Y dược cổ truyền và Phục hồi chức năng tỉnh", "Trung tâm Kiểm soát bệnh tật tỉnh",
      "Trung tâm Pháp y tỉnh", "Trung tâm Kiểm nghiệm thuốc, mỹ phẩm, thực phẩm tỉnh",
      "Trung tâm Giám định y khoa tỉnh", "Chi cục Dân số - Kế hoạch hóa gia đình",
      "Chi cục An toàn vệ sinh thực phẩm"]),
    ("K19-trung-tam-y-te", "none", "all",
     ["Trung tâm Y tế thành phố Lạng Sơn"] + [f"Trung tâm Y tế huyện {d}" for d in DISTRICTS]),
    ("K20-don-vi-nong-nghiep", "gate_no_flag", "some",
     ["Chi cục Kiểm lâm", "Chi cục Thủy lợi", "Chi cục Chăn nuôi và Thú y",
      "Chi cục Trồng trọt và Bảo vệ thực vật", "Chi cục Phát triển nông thôn",
      "Trung tâm Khuyến nông", "Trung tâm Nước sạch và Vệ sinh môi trường nông thôn",
      "Ban Quản lý rừng đặc dụng Hữu Liên", "Trung tâm Giống cây trồng, vật nuôi và thủy sản",
      "Ban Quản lý rừng phòng hộ Mẫu Sơn"]),
    ("K21-su-nghiep-kinh-te", "plain", "some",
     ["Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh",
      "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông tỉnh",
      "Ban Quản lý dự án đầu tư xây dựng các công trình nông nghiệp và phát triển nông thôn",
      "Trung tâm Xúc tiến đầu tư, thương mại và du lịch tỉnh", "Quỹ Đầu tư phát triển tỉnh",
      "Trung tâm Phát triển quỹ đất tỉnh", "Văn phòng Đăng ký đất đai tỉnh",
      "Trung tâm Công nghệ thông tin và Truyền thông tỉnh",
      "Trung tâm Quan trắc tài nguyên và môi trường tỉnh", "Trung tâm Phục vụ hành chính công tỉnh",
      "Trung tâm Đăng kiểm xe cơ giới tỉnh", "Trung tâm Kỹ thuật tiêu chuẩn đo lường chất lượng"]),
    ("K22-van-hoa-xa-hoi-dv", "none", "some",
     ["Bảo tàng tỉnh", "Thư viện tỉnh", "Trung tâm Văn hóa, Điện ảnh và Triển lãm tỉnh",
      "Đoàn Nghệ thuật tỉnh", "Trung tâm Huấn luyện và Thi đấu thể dục thể thao tỉnh",
      "Ban Quản lý Di tích tỉnh", "Trung tâm Dịch vụ việc làm tỉnh",
      "Trung tâm Công tác xã hội tỉnh", "Cơ sở Cai nghiện ma túy tỉnh", "Trung tâm Bảo trợ xã hội tỉnh",
      "Làng Trẻ em SOS Lạng Sơn", "Trung tâm Điều dưỡng người có công tỉnh"]),
    ("K23-ban-chi-cuc", "none", "some",
     ["Ban Thi đua - Khen thưởng tỉnh", "Ban Tôn giáo tỉnh", "Chi cục Văn thư - Lưu trữ tỉnh",
      "Chi cục Tiêu chuẩn Đo lường Chất lượng", "Chi cục Bảo vệ môi trường",
      "Chi cục Quản lý đất đai", "Chi cục Giám định xây dựng",
      "Chi cục Phòng, chống tệ nạn xã hội", "Trung tâm Trợ giúp pháp lý nhà nước tỉnh",
      "Phòng Công chứng số 1 tỉnh", "Trung tâm Dịch vụ đấu giá tài sản tỉnh",
      "Chi cục Quản lý chất lượng nông lâm sản và thủy sản"]),
    ("K24-phong-giao-duc", "none", "all",
     ["Phòng Giáo dục và Đào tạo thành phố Lạng Sơn"]
     + [f"Phòng Giáo dục và Đào tạo huyện {d}" for d in DISTRICTS]),
    ("K25-quy-tin-dung", "none", "all", []),
    ("K26-dn-dich-vu-du-lich", "plain", "all", []),
]

# Invented names for the enterprise and co-operative clusters: (form, trades, count).
INVENTED = {
    "K10-dn-xuat-nhap-khau": (["Công ty TNHH", "Công ty cổ phần"], [
        "Thương mại và Xuất nhập khẩu", "Logistics", "Dịch vụ Kho vận", "Vận tải và Thương mại",
        "Giao nhận Quốc tế", "Dịch vụ Cửa khẩu"], 15),
    "K11-dn-xay-dung-giao-thong": (["Công ty cổ phần", "Công ty TNHH"], [
        "Xây dựng", "Đầu tư Xây dựng", "Xây dựng Giao thông", "Tư vấn Xây dựng",
        "Vật liệu Xây dựng", "Xây lắp Điện"], 15),
    "K12-dn-nong-lam-nghiep": (["Công ty TNHH", "Công ty cổ phần"], [
        "Nông sản", "Chế biến Lâm sản", "Giống cây trồng", "Chế biến Nông sản",
        "Dược liệu", "Thực phẩm"], 15),
    "K13-hop-tac-xa": (["Hợp tác xã"], [
        "Na", "Hồi", "Quế", "Thạch đen", "Rau an toàn", "Chè", "Hồng không hạt", "Đào",
        "Mật ong", "Gạo nếp cái hoa vàng", "Khoai môn", "Miến dong", "Trám đen"], 14),
    "K25-quy-tin-dung": (["Quỹ tín dụng nhân dân"], [""], 10),
    "K26-dn-dich-vu-du-lich": (["Công ty cổ phần", "Công ty TNHH"], [
        "Du lịch", "Khách sạn", "Dịch vụ Du lịch", "Lữ hành", "Thương mại Dịch vụ"], 12),
}

LEVELS = ("top", "ex", "good", "comp", "low")
# The share of a criterion's maximum each level lands in (the classification bands'
# min_each are 0.85, 0.80 and 0.70).
SHARE = {"top": (0.96, 1.0), "ex": (0.86, 0.95), "good": (0.805, 0.845),
         "comp": (0.71, 0.79), "low": (0.35, 0.66)}
CRITERIA = ("dang_ky", "kien_toan", "giao_uoc", "ke_hoach", "thuc_hien", "hoi_nghi",
            "kiem_tra", "xu_ly", "bao_cao", "dien_hinh", "sang_kien", "dung_han", "ngay",
            "co_so", "chinh_xac", "ngan_sach", "giai_ngan", "tang_truong", "tre_han")
# Criteria whose points can be held in the "good" share [0.80, 0.85) and in the
# "comp" share [0.70, 0.80) (bands and counts move in steps that skip the first).
GOOD_ABLE = ("dung_han", "ngay", "co_so", "chinh_xac", "ngan_sach", "giai_ngan", "tang_truong",
             "tre_han")
COMP_ABLE = (*GOOD_ABLE, "thuc_hien", "kiem_tra", "dien_hinh", "sang_kien")

INDICATORS = (
    "dang_ky_dung_han", "kien_toan_hd", "ky_giao_uoc", "ke_hoach", "ty_le_thuc_hien_kh",
    "so_hoi_nghi", "ty_le_kiem_tra", "xu_ly_kiem_tra", "ty_le_bao_cao", "dien_hinh", "sang_kien",
    "ho_so_tong", "ho_so_dung_han", "ngay_lap_thanh_tich", "ngay_quyet_dinh", "khen_tong",
    "khen_co_so", "ho_so_tra_lai", "khen_thuong_thu_hoi", "khieu_nai_dung", "thu_ngan_sach_kh",
    "thu_ngan_sach", "giai_ngan_kh", "giai_ngan", "tang_truong_kh", "tang_truong", "tre_han_kh",
    "tre_han", "bao_cao_muon", "can_bo_ky_luat", "vi_pham_nghiem_trong", "co_thi_dua_bo",
    "co_thi_dua_chinh_phu")


def invented_names(rng: random.Random, cluster_id: str) -> list[str]:
    forms, trades, count = INVENTED[cluster_id]
    names: list[str] = []
    places = PLACES[:]
    rng.shuffle(places)
    for place in places:
        trade = rng.choice(trades)
        name = " ".join(part for part in (rng.choice(forms), trade, place) if part)
        if name not in names:
            names.append(name)
        if len(names) == count:
            return names
    raise ValueError(f"not enough invented names for {cluster_id}")


def fmt(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    # 498.801 is 498801 where a point groups thousands: undeclared, emuscore refuses it
    # (docs/data.md); a trailing zero leaves the number one reading
    if decimals == 3 and re.fullmatch(r"-?[1-9]\d{0,2}\.\d{3}", text):
        text += "0"
    return text


def count_with_share(rng: random.Random, total: int, lo: float, hi: float) -> tuple[int, int]:
    """(n, k) with lo <= k/n < hi, n the least total from `total` up that allows it."""
    for n in range(total, total + 100):
        fits = [k for k in range(n + 1) if lo <= k / n < hi]
        if fits:
            return n, rng.choice(fits)
    raise ValueError(f"no count in [{lo}, {hi}) of {total}")


def revenue_scale(cluster_id: str) -> tuple[float, float]:
    """Typical yearly revenue target of a cluster's units, million VND (low, high)."""
    if cluster_id.startswith("K01"):
        return 150_000, 2_400_000
    if cluster_id.startswith("K08"):
        return 20_000, 900_000
    if cluster_id[:3] in ("K09", "K10", "K11", "K12", "K26"):
        return 8_000, 350_000
    if cluster_id[:3] in ("K13", "K25"):
        return 600, 9_000
    return 900, 60_000


class Unit:
    def __init__(self, unit_id: str, name: str, cluster_id: str, profile: str) -> None:
        self.unit_id, self.name, self.cluster_id, self.profile = unit_id, name, cluster_id, profile
        self.values: dict[str, str] = {}
        self.levels: dict[str, str] = {}


def levels_for(rng: random.Random, profile: str, has_target: bool) -> dict[str, str]:
    """Each criterion's level for a unit of this profile; a "good", "comp" or "low" unit
    has at least one criterion held at that level, so its class is what it says (growth
    is not forced when the unit has no target: it is then judged against its cluster)."""
    pools = {"top": ("top",), "ex": ("top", "ex"), "good": ("top", "ex", "ex", "good"),
             "comp": ("ex", "good", "comp"), "low": ("good", "comp"),
             "weak": ("good", "comp", "comp", "low")}
    if profile == "good_leader":
        levels = dict.fromkeys(CRITERIA, "top")
        levels[rng.choice(("dung_han", "co_so", "giai_ngan"))] = "good"
        return levels
    levels = {c: rng.choice(pools[profile]) for c in CRITERIA}
    if profile in ("good", "comp"):
        able = [c for c in (GOOD_ABLE if profile == "good" else COMP_ABLE)
                if has_target or c != "tang_truong"]
        for c in rng.sample(able, 1 if profile == "good" else 2):
            levels[c] = profile
    if profile == "low":
        levels[rng.choice(CRITERIA)] = "low"
    if profile == "weak":
        for c in rng.sample(CRITERIA, rng.randint(3, 5)):
            levels[c] = "low"
    return levels


def fill(rng: random.Random, unit: Unit, has_target: bool) -> None:
    v, levels = unit.values, unit.levels

    def share(criterion: str) -> float:
        lo, hi = SHARE[levels[criterion]]
        return rng.uniform(lo, hi)

    for criterion, indicator in (("dang_ky", "dang_ky_dung_han"), ("kien_toan", "kien_toan_hd"),
                                 ("giao_uoc", "ky_giao_uoc"), ("ke_hoach", "ke_hoach"),
                                 ("xu_ly", "xu_ly_kiem_tra")):
        v[indicator] = "0" if levels[criterion] == "low" else "1"
    # bands: the value range that gives each level's points
    v["ty_le_thuc_hien_kh"] = fmt({"top": rng.uniform(95, 100), "ex": rng.uniform(90, 94.9),
                                   "good": rng.uniform(90, 94.9), "comp": rng.uniform(80, 89.9),
                                   "low": rng.uniform(62, 79.9)}[levels["thuc_hien"]], 1)
    v["so_hoi_nghi"] = str(rng.choice((0, 1)) if levels["hoi_nghi"] == "low"
                           else rng.choice((2, 2, 2, 3)))
    v["ty_le_kiem_tra"] = fmt({"top": rng.choice((100, 100, 100, 110, 125)),
                               "ex": rng.uniform(90, 99.9), "good": rng.uniform(90, 99.9),
                               "comp": rng.uniform(75, 89.9),
                               "low": rng.uniform(40, 74.9)}[levels["kiem_tra"]], 1)
    due = 12
    received = {"top": 12, "ex": 11, "good": 11, "comp": 10, "low": rng.choice((7, 8, 9))}
    v["ty_le_bao_cao"] = fmt(100 * received[levels["bao_cao"]] / due, 2)
    v["dien_hinh"] = str({"top": rng.choice((4, 4, 5, 6)), "ex": 4, "good": 4, "comp": 3,
                          "low": rng.choice((0, 1, 2))}[levels["dien_hinh"]])
    v["sang_kien"] = str({"top": rng.choice((8, 9, 10, 12)), "ex": 7, "good": 7, "comp": 6,
                          "low": rng.choice((0, 2, 3, 4, 5))}[levels["sang_kien"]])
    # commendation work
    dossiers, on_time = rng.randint(4, 36), 0
    if levels["dung_han"] == "top":
        on_time = dossiers
    else:
        dossiers, on_time = count_with_share(rng, dossiers, *SHARE[levels["dung_han"]])
    v["ho_so_tong"], v["ho_so_dung_han"] = str(dossiers), str(on_time)
    achieved = datetime.date(2024, 1, 10) + datetime.timedelta(days=rng.randint(0, 290))
    # 5 x 30 / days: 32-35 days keep 85%, 36-37 keep 80%, 38-42 keep 70%
    low, high = {"top": (12, 30), "ex": (32, 35), "good": (36, 37), "comp": (38, 42),
                 "low": (46, 85)}[levels["ngay"]]
    days = rng.randint(low, high)
    v["ngay_lap_thanh_tich"] = achieved.isoformat()
    v["ngay_quyet_dinh"] = (achieved + datetime.timedelta(days=days)).isoformat()
    lo, hi = (1.0, 1.33) if levels["co_so"] == "top" else SHARE[levels["co_so"]]
    awards, grassroots = count_with_share(rng, rng.randint(10, 140), 0.7 * lo, 0.7 * hi)
    v["khen_tong"], v["khen_co_so"] = str(awards), str(grassroots)
    returned, revoked, upheld = {"top": (0, 0, 0), "ex": (1, 0, 0), "good": (2, 0, 0),
                                 "comp": rng.choice(((3, 0, 0), (1, 0, 1))),
                                 "low": (rng.randint(1, 4), 1, rng.randint(0, 1))}[levels["chinh_xac"]]
    v["ho_so_tra_lai"], v["khen_thuong_thu_hoi"], v["khieu_nai_dung"] = map(
        str, (returned, revoked, upheld))
    # targets
    lo, hi = revenue_scale(unit.cluster_id)
    target = round(rng.uniform(lo, hi), rng.choice((0, 1, 3)))
    ratio = rng.uniform(1.0, 1.18) if levels["ngan_sach"] == "top" else share("ngan_sach")
    v["thu_ngan_sach_kh"] = fmt(target, 3 if target != int(target) else 0)
    v["thu_ngan_sach"] = fmt(target * ratio, 3)
    planned = rng.choice((90, 95, 95, 95, 100))
    done = (rng.uniform(planned, 100) if levels["giai_ngan"] == "top"
            else planned * share("giai_ngan"))
    v["giai_ngan_kh"], v["giai_ngan"] = str(planned), fmt(done, 2)
    growth_target = rng.choice((6.5, 7.0, 7.5, 8.0, 8.5, 9.0, 10.0, 12.0))
    ratio = rng.uniform(1.0, 1.25) if levels["tang_truong"] == "top" else share("tang_truong")
    if has_target:
        v["tang_truong_kh"] = fmt(growth_target, 1)
    v["tang_truong"] = fmt(growth_target * ratio, 2)
    allowed = rng.choice((1.5, 2.0, 2.0, 2.5, 3.0))
    if levels["tre_han"] == "top":
        late = 0.0 if rng.random() < 0.15 else allowed * rng.uniform(0.2, 1.0)
    else:
        late = allowed / share("tre_han")
    v["tre_han_kh"], v["tre_han"] = fmt(allowed, 1), fmt(late, 2)
    # deductions, gates, bonus
    v["bao_cao_muon"] = str({"top": 0, "ex": rng.choice((0, 0, 1)), "good": rng.choice((0, 1, 2)),
                             "comp": rng.randint(1, 3), "low": rng.randint(2, 7)}[levels["bao_cao"]])
    v["can_bo_ky_luat"] = "0"
    v["vi_pham_nghiem_trong"] = "0"
    v["co_thi_dua_bo"] = "0"
    v["co_thi_dua_chinh_phu"] = "0"


def profiles_for(rng: random.Random, scenario: str, size: int) -> list[str]:
    """The profile of each member of a cluster, strongest first (shuffled into ids later)."""
    head = {
        "plain": ["ex"] * rng.randint(1, 3),
        "plain_government": ["ex", "ex"],
        "plain_ministry": ["ex", "ex"],
        "tie_chi_tieu": ["tie_a", "tie_b", "ex"],
        "tie_khen_thuong": ["tie_a", "tie_b"],
        "tie_deductions": ["tie_a", "tie_b", "ex"],
        "gate_violation": ["top", "ex"],
        "gate_discipline": ["top", "ex"],
        "gate_no_flag": ["top"],
        "none": [],
        "none_good_leader": ["good_leader"],
    }[scenario]
    rest = rng.choices(("good", "comp", "low", "weak"), weights=(35, 40, 15, 10),
                       k=size - len(head))
    return head + rest


def plant_tie(rng: random.Random, scenario: str, a: Unit, b: Unit) -> None:
    """a and b, both filled as "top" units (full points on every criterion not set here),
    get equal totals; the declared tie-break named by the scenario puts a first. b gets
    one more recognised initiative (+0.50 in group dien_hinh) and loses 0.50 where the
    scenario says, so the totals are equal to the hundredth."""
    for unit, initiatives in ((a, "7"), (b, "8")):         # 3.50 and 4.00 of 4
        v = unit.values
        v["sang_kien"] = initiatives
        # below target on revenue and growth by the same ratios (7.76 of 8, 7.60 of 8),
        # which keeps the targets group under its cap of 30, so that b's smaller group
        # sum is not hidden by the cap
        revenue = rng.randint(300_000, 2_000_000)
        v["thu_ngan_sach_kh"], v["thu_ngan_sach"] = str(revenue), fmt(revenue * 0.97, 2)
        growth = rng.choice((6.0, 7.0, 8.0, 9.0, 10.0))
        v["tang_truong_kh"], v["tang_truong"] = fmt(growth, 1), fmt(growth * 0.95, 2)
        v["giai_ngan_kh"], v["giai_ngan"] = "98", "98.00"  # exactly 7.00 of 7
        v["bao_cao_muon"] = "1"
    if scenario == "tie_chi_tieu":
        b.values["giai_ngan"] = "91.00"                   # 7 x 91/98 = 6.50
    elif scenario == "tie_khen_thuong":
        b.values["ho_so_tra_lai"] = "1"                   # 5 - 0.5 = 4.50
    else:
        b.values["bao_cao_muon"] = "2"                    # -1.00 instead of -0.50


def build(rng: random.Random) -> list[Unit]:
    units: list[Unit] = []
    number = 0
    for cluster_id, scenario, targets, names in CLUSTERS:
        names = names or invented_names(rng, cluster_id)
        profiles = profiles_for(rng, scenario, len(names))
        order = list(range(len(names)))
        rng.shuffle(order)
        if scenario.startswith("tie"):
            # the loser of the tie gets the smaller unit id: the tie-break, not the
            # unit code or the row order, must be what puts the other first
            slot_a, slot_b = sorted(order[:2], reverse=True)
            order[0], order[1] = slot_a, slot_b
        members: list[Unit] = [Unit("", "", cluster_id, "") for _ in names]
        for position, profile in zip(order, profiles, strict=True):
            members[position] = Unit(f"DV{number + position + 1:03d}", names[position], cluster_id,
                                     profile)
        number += len(names)
        for position, unit in enumerate(members):
            has_target = (targets == "all" or (targets == "some" and position % 3 != 1)
                          or unit.profile in ("tie_a", "tie_b"))
            profile = "top" if unit.profile in ("tie_a", "tie_b") else unit.profile
            unit.levels = levels_for(rng, profile, has_target)
            fill(rng, unit, has_target)
        growth_for_missing_targets(rng, members)
        by_profile = {u.profile: u for u in members}
        if scenario.startswith("tie"):
            plant_tie(rng, scenario, by_profile["tie_a"], by_profile["tie_b"])
        leader = by_profile.get("top")
        if scenario in ("gate_violation", "gate_no_flag") and leader:
            leader.values["vi_pham_nghiem_trong"] = "1"
        if scenario == "gate_discipline" and leader:
            leader.values["can_bo_ky_luat"] = "1"
        excellent = [u for u in members if u.profile == "ex"]
        if scenario == "plain_government":
            excellent[0].values["co_thi_dua_chinh_phu"] = "1"
        if scenario == "plain_ministry":
            excellent[0].values["co_thi_dua_bo"] = "1"
        # a few weaker units with a disciplined member or a violation: barred from
        # certificates, which the skips must explain
        for unit in members:
            if unit.profile in ("good", "comp") and rng.random() < 0.06:
                unit.values[rng.choice(("can_bo_ky_luat", "vi_pham_nghiem_trong"))] = "1"
        units.extend(members)
    return units


def growth_for_missing_targets(rng: random.Random, members: list[Unit]) -> None:
    """Units with no growth target are scored against the best growth of their cluster:
    place them below that best by their level's share, as targets place the others. In
    a cluster where nobody has a target, the unit with the best level sets the best."""
    missing = [u for u in members if "tang_truong_kh" not in u.values]
    if not missing:
        return
    with_target = [float(u.values["tang_truong"]) for u in members if "tang_truong_kh" in u.values]
    best = max(with_target) if with_target else rng.uniform(6.0, 14.0)
    for unit in missing:
        lo, hi = SHARE[unit.levels["tang_truong"]]
        unit.values["tang_truong"] = fmt(best * rng.uniform(lo, hi), 2)
    if not with_target:
        leader = min(missing, key=lambda u: LEVELS.index(u.levels["tang_truong"]))
        leader.values["tang_truong"] = fmt(best, 2)


def write(units: list[Unit], folder: Path, wide_file: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "units.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(("unit_id", "name", "cluster_id"))
        w.writerows((u.unit_id, u.name, u.cluster_id) for u in units)
    with (folder / "measures.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(("unit_id", "indicator", "value"))
        for u in units:
            w.writerows((u.unit_id, name, u.values[name]) for name in INDICATORS if name in u.values)
    with wide_file.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(("unit_id", "name", "cluster_id", *INDICATORS))
        w.writerows((u.unit_id, u.name, u.cluster_id, *(u.values.get(n, "") for n in INDICATORS))
                    for u in units if u.cluster_id in WIDE_CLUSTERS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write all three files into this folder "
                        "instead (the tests compare them with the committed ones)")
    args = parser.parse_args()
    folder, wide_file = (args.out, args.out / WIDE_FILE.name) if args.out else (HERE, WIDE_FILE)
    units = build(random.Random(SEED))
    units.sort(key=lambda u: u.unit_id)
    write(units, folder, wide_file)
    print(f"{len(units)} units in {len(CLUSTERS)} clusters -> {folder}/units.csv, measures.csv; "
          f"{sum(u.cluster_id in WIDE_CLUSTERS for u in units)} units -> {wide_file}")


if __name__ == "__main__":
    main()
